/**
 * Kafka consumer helpers shared by every consuming service (timeline sink, revoke executor, on-call
 * dispatcher, containment service): which offsets may be committed, given out-of-order
 * acknowledgements from asynchronous workers ({@link io.glasswatch.kafka.OffsetTracker}), and the consumer
 * loop built on it ({@link io.glasswatch.kafka.TrackedConsumer}).
 */
package io.glasswatch.kafka;
