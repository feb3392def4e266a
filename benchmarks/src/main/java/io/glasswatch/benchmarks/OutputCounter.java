package io.glasswatch.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Counts committed records of topics with a read_committed consumer (no group, nothing committed). */
final class OutputCounter {
  private OutputCounter() {}

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The last stable offsets of every partition of {@code topics}. */
  static Map<TopicPartition, Long> endOffsets(String bootstrap, List<String> topics) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> tps = topics.stream().flatMap(t -> c.partitionsFor(t, Duration.ofSeconds(30)).stream())
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      return new HashMap<>(c.endOffsets(tps, Duration.ofSeconds(30)));
    }
  }

  /**
   * Committed records per topic from the given start offsets to the current end.
   *
   * @param from start offset of every partition to count
   */
  static Map<String, Long> count(String bootstrap, Map<TopicPartition, Long> from) {
    Map<String, Long> counts = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> tps = List.copyOf(from.keySet());
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
      c.assign(tps);
      from.forEach(c::seek);
      tps.forEach(tp -> counts.putIfAbsent(tp.topic(), 0L));
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (System.nanoTime() < deadline && tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          counts.merge(r.topic(), 1L, Long::sum);
        }
      }
    }
    return counts;
  }
}
