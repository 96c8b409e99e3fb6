/** Decoding: encoded frames to RGB pixels, or dead letters with the reason. */
package io.ocellus.operators.decode;
