package io.glasswatch.alerts.kafka;

import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The set of keys present in a topic, rebuilt by reading every partition from the beginning:
 * the durable "already done" set of a service (delivered alerts, executed revoke commands).
 *
 * <p>A record with a value adds its key; a tombstone (null value) removes it. {@link #catchUp}
 * reads from where the previous call stopped up to the end offsets at the time of the call, so
 * calling it again after a rebalance picks up what other instances wrote meanwhile. Not
 * thread-safe: use it from one thread.
 */
public final class KeyLog implements AutoCloseable {
  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Set<String> keys = new HashSet<>();
  private long recordsRead;

  /**
   * A reader of {@code topic}; nothing is read before {@link #catchUp(Duration)}.
   *
   * @param settings where Kafka is
   * @param topic the keyed topic to read (must exist)
   * @param clientId client id of the reader
   */
  public KeyLog(GlasswatchSettings settings, String topic, String clientId) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(KafkaClients.reader(settings, clientId), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /**
   * Reads the topic up to its current end.
   *
   * @param timeout upper bound for the whole call
   * @return the number of records read by this call
   * @throws IllegalStateException when the end is not reached within {@code timeout}
   */
  public long catchUp(Duration timeout) {
    return catchUp(timeout, (k, v) -> { });
  }

  /**
   * Reads the topic up to its current end, showing every record with a key and a value to {@code onValue}.
   *
   * @param timeout upper bound for the whole call
   * @param onValue sees the key and raw value of each record read, in partition order
   * @return the number of records read by this call
   * @throws IllegalStateException when the end is not reached within {@code timeout}
   */
  public long catchUp(Duration timeout, BiConsumer<String, byte[]> onValue) {
    Instant deadline = Instant.now().plus(timeout);
    if (consumer.assignment().isEmpty()) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      if (parts.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }
    Map<TopicPartition, Long> end;
    try {
      end = consumer.endOffsets(consumer.assignment(), timeout);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot read the end of " + topic + " within " + timeout, e);
    }
    long read = 0;
    while (!reached(end)) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative()) {
        throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(min(left, Duration.ofMillis(500)))) {
        read++;
        if (r.key() == null) {
          continue;
        }
        if (r.value() == null) {
          keys.remove(r.key());
        } else {
          keys.add(r.key());
          onValue.accept(r.key(), r.value());
        }
      }
    }
    recordsRead += read;
    return read;
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Whether {@code key} was present when the log was last read, or was {@link #add added} since.
   *
   * @param key the record key
   * @return whether {@code key} was present when the log was last read, or was {@link #add added} since
   */
  public boolean contains(String key) {
    return keys.contains(key);
  }

  /**
   * Records a key this instance has just written to the topic.
   *
   * @param key the record key written
   */
  public void add(String key) {
    keys.add(key);
  }

  /**
   * Number of keys known.
   *
   * @return number of keys known
   */
  public int size() {
    return keys.size();
  }

  /**
   * Records read since creation.
   *
   * @return records read since creation
   */
  public long recordsRead() {
    return recordsRead;
  }

  /**
   * The topic read.
   *
   * @return the topic read
   */
  public String topic() {
    return topic;
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
