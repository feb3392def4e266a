package io.glasswatch.cli.demo;

import io.glasswatch.cli.config.CliSettings;
import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits until a consumer group has processed every committed record of some topics: for each
 * partition, the group's committed offset is at the read-committed end, or only transaction
 * markers lie between them (checked by reading from the committed offset).
 */
public final class CatchUp implements AutoCloseable {
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> probe;

  /** Connects to the Kafka of {@code settings}. */
  public CatchUp(GlasswatchSettings settings) {
    CliSettings cli = CliSettings.from(settings);
    admin = Admin.create(cli.adminProperties());
    probe = new KafkaConsumer<>(cli.readerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Topics whose name starts with {@code prefix} and ends with {@code suffix}. */
  public List<String> topics(String prefix, String suffix) throws ExecutionException, InterruptedException {
    return admin.listTopics().names().get().stream()
        .filter(t -> t.startsWith(prefix) && t.endsWith(suffix)).sorted().toList();
  }

  /**
   * Blocks until {@code group} has consumed everything committed to {@code topics}.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean await(String group, List<String> topics, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<TopicPartition> parts = new ArrayList<>();
    admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((t, d) ->
        d.partitions().forEach(p -> parts.add(new TopicPartition(t, p.partition()))));
    while (System.nanoTime() < deadline) {
      if (caughtUp(group, parts)) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return false;
  }

  private boolean caughtUp(String group, List<TopicPartition> parts)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> ends = probe.endOffsets(parts);
    for (TopicPartition tp : parts) {
      long end = ends.getOrDefault(tp, 0L);
      OffsetAndMetadata c = committed.get(tp);
      long at = c == null ? 0 : c.offset();
      if (at >= end) {
        continue;
      }
      probe.assign(List.of(tp));
      probe.seek(tp, at);
      if (!probe.poll(Duration.ofMillis(200)).records(tp).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    probe.close();
    admin.close();
  }
}
