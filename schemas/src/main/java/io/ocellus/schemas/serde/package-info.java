/** Wire formats of the Avro records: binary with a known schema and single-object encoding. */
package io.ocellus.schemas.serde;
