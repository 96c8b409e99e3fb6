/** Helpers of the pipeline module that are not part of its API. */
package io.ocellus.pipeline.internal;
