/**
 * The model core of Ocellus: MobileNet v1 on TensorFlow Java, with no dependency on Flink.
 *
 * <p>Sub-packages follow the stages of a model's life: {@code mobilenet} defines the network,
 * {@code weights} imports released weights, {@code io} loads and exports whole models, {@code
 * image} decodes pictures and {@code inference} runs batches through a loaded model. Errors are the
 * checked {@link io.ocellus.models.ModelException} family.
 */
package io.ocellus.models;
