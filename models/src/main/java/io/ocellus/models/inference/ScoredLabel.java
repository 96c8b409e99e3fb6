package io.ocellus.models.inference;

/**
 * One class of a classification.
 *
 * @param index the class index, 0 = background for the 1001-class ImageNet models
 * @param label the human-readable label
 * @param score the softmax probability
 */
public record ScoredLabel(int index, String label, float score) {}
