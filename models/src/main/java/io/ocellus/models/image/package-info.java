/**
 * Decoding encoded pictures (JPEG, PNG, BMP, GIF) into {@link
 * io.ocellus.models.inference.RgbImage}s.
 */
package io.ocellus.models.image;
