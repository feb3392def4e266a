package io.glasswatch.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Decides when a streams app has caught up: the app's committed offsets equal the last stable offsets
 * of its input topics, and no data record is left beyond the committed offset of any of its
 * repartition topics. Under exactly-once the last record of a repartition partition is followed by a
 * transaction marker that the app only commits past with its next transaction, so a small remainder is
 * probed with a read_committed consumer: if it holds no record, the partition is caught up.
 */
final class LagMonitor implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);

  private final Admin admin;
  private final String groupId;
  private final List<String> inputTopics;
  private final KafkaConsumer<byte[], byte[]> probe;

  LagMonitor(Admin admin, String bootstrap, String groupId, List<String> inputTopics) {
    this.admin = admin;
    this.groupId = groupId;
    this.inputTopics = inputTopics;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.probe = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Waits until the app caught up (see class Javadoc), checking every 200 ms.
   *
   * @throws IllegalStateException when the app stops running or {@code timeout} passes first
   */
  void awaitCaughtUp(BrokerBenchmark.App app, Duration timeout, PrintStream out) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastReport = System.nanoTime();
    while (true) {
      KafkaStreams.State s = app.state();
      if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING || s == KafkaStreams.State.PENDING_ERROR) {
        throw new IllegalStateException("the streams app stopped (" + s + ") before catching up");
      }
      long[] lag = lag();
      if (lag[0] == 0 && lag[1] == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not caught up within " + timeout + ": input lag " + lag[0]
            + ", repartition lag " + lag[1]);
      }
      if (System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
        out.printf(Locale.ROOT, "    ... input lag %,d, repartition lag %,d (load %s)%n", lag[0], lag[1], Machine.loadAverage());
        lastReport = System.nanoTime();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** {input lag, repartition lag} in records (markers excluded). */
  long[] lag() throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    List<String> repartition = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
        .filter(t -> t.startsWith(groupId + "-") && t.endsWith("-repartition")).toList();
    List<String> all = new ArrayList<>(inputTopics);
    all.addAll(repartition);
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    admin.describeTopics(all).allTopicNames().get(30, TimeUnit.SECONDS).forEach((t, d) ->
        d.partitions().forEach(p -> specs.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> end = new HashMap<>();
    admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> end.put(tp, info.offset()));
    long inputLag = 0;
    long repartitionLag = 0;
    Map<TopicPartition, Long> toProbe = new HashMap<>();
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      long at = c == null ? 0 : c.offset();
      long behind = Math.max(0, e.getValue() - at);
      if (inputTopics.contains(e.getKey().topic())) {
        inputLag += behind;
      } else if (behind > 0 && behind <= 3) {
        toProbe.put(e.getKey(), at);
      } else {
        repartitionLag += behind;
      }
    }
    if (!toProbe.isEmpty()) {
      repartitionLag += dataRecords(toProbe, end);
    }
    return new long[] {inputLag, repartitionLag};
  }

  /** Data records between {@code from} and {@code end} of each partition (transaction markers are not records). */
  private long dataRecords(Map<TopicPartition, Long> from, Map<TopicPartition, Long> end) {
    probe.assign(from.keySet());
    from.forEach(probe::seek);
    long records = 0;
    for (int i = 0; i < 10 && from.keySet().stream().anyMatch(tp -> probe.position(tp) < end.get(tp)); i++) {
      for (ConsumerRecord<byte[], byte[]> r : probe.poll(Duration.ofMillis(50))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          records++;
        }
      }
    }
    if (from.keySet().stream().anyMatch(tp -> probe.position(tp) < end.get(tp))) {
      records += from.size(); // could not read to the end yet: not caught up
    }
    return records;
  }

  @Override
  public void close() {
    probe.close();
  }
}
