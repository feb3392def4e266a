/** Produces normalized events to the input topics and rejected input to the dead-letter topic, with idempotent, acks=all Kafka producers. */
package io.glasswatch.producers.kafka;
