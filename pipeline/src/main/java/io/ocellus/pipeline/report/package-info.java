/** Contact sheets of reprocessing results: HTML with thumbnails and labels, and its screenshot. */
package io.ocellus.pipeline.report;
