/** Avro records of every Glasswatch topic, the topic catalogue, and the serdes that carry them. */
package io.glasswatch.schema;
