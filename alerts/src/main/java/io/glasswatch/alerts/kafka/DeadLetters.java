package io.glasswatch.alerts.kafka;

import io.glasswatch.schema.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds dead-letter records: the raw bytes of the rejected record plus {@link DeadLetterHeaders}. */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * A dead-letter record for {@code source}: same key, same raw value, headers naming the source
   * topic, partition and offset, the reason and the exception class.
   *
   * @param source the rejected record as read (raw bytes)
   * @param deadLetterTopic where it goes, normally {@code dead-letter}
   * @param reason human-readable reason, free of secrets
   * @param exception exception class name, or null
   * @return the record to send
   */
  public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> source, String deadLetterTopic,
      String reason, String exception) {
    ProducerRecord<String, byte[]> dl = new ProducerRecord<>(deadLetterTopic, source.key(), source.value());
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_TOPIC, source.topic());
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_PARTITION, source.partition());
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_OFFSET, source.offset());
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.REASON, reason);
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.EXCEPTION, exception);
    return dl;
  }
}
