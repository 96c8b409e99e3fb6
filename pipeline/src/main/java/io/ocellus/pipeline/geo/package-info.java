/**
 * Geo-localization around the geo stage: the locations of geotagged images read from CSV files
 * ({@link io.ocellus.pipeline.geo.LocationsCsv}) and the measurement of location estimates on a
 * geotagged set ({@link io.ocellus.pipeline.geo.GeoEvaluation}).
 */
package io.ocellus.pipeline.geo;
