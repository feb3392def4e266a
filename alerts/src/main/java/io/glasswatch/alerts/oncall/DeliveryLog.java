package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.config.GlasswatchSettings;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The delivery state of the on-call dispatcher, rebuilt from the compacted {@code alert-deliveries}
 * topic: key {@code <notice key>|<channel>} → the JSON value of its last record (a tombstone
 * removes it). {@link #catchUp} runs on the dispatcher's thread; {@link #get}, {@link #contains}
 * and {@link #put} are safe from any thread (channel workers record their outcomes).
 */
final class DeliveryLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, ObjectNode> values = new ConcurrentHashMap<>();

  DeliveryLog(GlasswatchSettings settings, String topic, String clientId) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(KafkaClients.reader(settings, clientId), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads to the current end; {@code onRecord} sees every key and value read. @return records read */
  long catchUp(Duration timeout, BiConsumer<String, ObjectNode> onRecord) {
    Instant deadline = Instant.now().plus(timeout);
    if (consumer.assignment().isEmpty()) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
    long read = 0;
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        read++;
        if (r.key() == null) {
          continue;
        }
        if (r.value() == null) {
          values.remove(r.key());
          continue;
        }
        try {
          ObjectNode v = (ObjectNode) JSON.readTree(r.value());
          values.put(r.key(), v);
          onRecord.accept(r.key(), v);
        } catch (IOException | ClassCastException e) {
          values.put(r.key(), JSON.createObjectNode());
        }
      }
    }
    return read;
  }

  boolean contains(String key) {
    return values.containsKey(key);
  }

  ObjectNode get(String key) {
    return values.get(key);
  }

  void put(String key, ObjectNode value) {
    values.put(key, value);
  }

  int size() {
    return values.size();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
