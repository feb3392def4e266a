/** Test support shared by every Glasswatch module: the per-JVM local test stack and Kafka topic helpers. */
package io.glasswatch.testing;
