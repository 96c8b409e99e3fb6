/**
 * Decoding encoded pictures (JPEG, PNG, BMP, GIF, WebP) into {@link
 * io.ocellus.models.inference.RgbImage}s.
 */
package io.ocellus.models.image;
