/**
 * The TensorFlow Lite interpreter as a reference for the engine's answers and speed; needs the
 * optional {@code org.bytedeco:tensorflow-lite} jars on the class path.
 */
package io.ocellus.models.reference;
