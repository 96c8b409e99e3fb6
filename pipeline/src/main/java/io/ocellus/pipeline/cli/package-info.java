/**
 * The {@code ocellus} command line: {@code models}, {@code classify}, {@code embed}, {@code bench}.
 */
package io.ocellus.pipeline.cli;
