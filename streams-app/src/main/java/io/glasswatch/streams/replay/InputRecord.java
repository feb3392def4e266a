package io.glasswatch.streams.replay;

import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record to replay.
 *
 * @param topic an input topic: {@code gateway-events}, {@code cloudtrail-events},
 *     {@code guardduty-findings} or {@code revoke-results}
 * @param key record key per the topic catalogue (request id, account id, or command id)
 * @param value the value, of the topic's Avro type; null makes the record a clock tick
 * @param timestamp record timestamp; null means the value's event time (required for a clock tick)
 */
public record InputRecord(String topic, String key, SpecificRecord value, Instant timestamp) {
  /** A clock tick on {@code topic} at {@code at}: advances stream time only. */
  public static InputRecord tick(String topic, Instant at) {
    return new InputRecord(topic, null, null, at);
  }
}
