/**
 * Geo-localization: a reference index of geotagged embeddings, nearest-neighbour search (exact or
 * HNSW), location estimates (top neighbour, kernel-density mode, confidence, spread) and the Flink
 * operators that add them to frames, with hot index swaps through a broadcast stream.
 */
package io.ocellus.operators.geo;
