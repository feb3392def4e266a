/**
 * Kafka consumer helpers shared by every consuming service (timeline sink, revoke executor, on-call
 * dispatcher): which offsets may be committed, given out-of-order acknowledgements from
 * asynchronous workers.
 */
package io.glasswatch.kafka;
