/**
 * Accuracy on labelled images: the ground truth of a labelled set ({@link
 * io.ocellus.models.eval.GroundTruth}) and the top-1 / top-5 tally of a model's answers ({@link
 * io.ocellus.models.eval.AccuracyTally}), as {@code ocellus eval} reports them.
 */
package io.ocellus.models.eval;
