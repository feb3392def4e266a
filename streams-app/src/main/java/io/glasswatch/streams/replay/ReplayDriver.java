package io.glasswatch.streams.replay;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.internals.StreamTask;

/**
 * Runs a {@link TopologyTestDriver}'s task the way the driver does, record by record, but commits every
 * {@code commitEvery} processed records (by default {@value #COMMIT_EVERY}) instead of after each one, and hands every record the
 * topology writes to a topic it does not read from (alerts, timeline, changelogs ...) to a consumer at
 * once instead of queueing it.
 *
 * <p>Why: {@code TopologyTestDriver} (Kafka Streams 4.3) commits after every processed record (every
 * store flushed, a RocksDB flush per store, a checkpoint file written), compiles a regular expression per
 * source topic for every record it captures, and keeps every output record, changelogs included, until a
 * test reads it. For a replay of a million records that is most of the time and memory spent. The
 * processing order is the driver's: one input record is enqueued, then records are processed (and
 * stream-time punctuations run) while the task has processable records, and records written to a topic
 * the topology reads (repartition topics) are enqueued again after each processed record. A commit only
 * flushes store caches and writes checkpoints, which a replay's temporary state never needs back, so
 * results do not depend on the commit cadence.
 *
 * <p>The driver's task, producer, clock and partitions are read by reflection from the fields of
 * {@code TopologyTestDriver} 4.3 ({@code task}, {@code producer}, {@code mockWallClockTime},
 * {@code partitionsByInputTopic}, {@code offsetsByTopicOrPatternPartition},
 * {@code globalPartitionsByInputTopic}). When they cannot be read (another Kafka version) or the topology
 * has global stores, {@link #of} returns null and the caller uses the driver's own, slower, path.
 */
final class ReplayDriver {
  /** Processed records between two commits, by default. */
  static final int COMMIT_EVERY = 10_000;

  private final TopologyTestDriver driver;
  private final StreamTask task;
  private final MockProducer<byte[], byte[]> producer;
  private final Time clock;
  private final Map<String, TopicPartition> partitionsByTopic;
  private final Map<TopicPartition, AtomicLong> offsets;
  private final Consumer<ProducerRecord<byte[], byte[]>> output;
  private final int commitEvery;
  private int sinceCommit;

  private ReplayDriver(TopologyTestDriver driver, StreamTask task, MockProducer<byte[], byte[]> producer, Time clock,
      Map<String, TopicPartition> partitionsByTopic, Map<TopicPartition, AtomicLong> offsets,
      Consumer<ProducerRecord<byte[], byte[]>> output, int commitEvery) {
    this.driver = driver;
    this.commitEvery = commitEvery;
    this.task = task;
    this.producer = producer;
    this.clock = clock;
    this.partitionsByTopic = partitionsByTopic;
    this.offsets = offsets;
    this.output = output;
  }

  /**
   * The fast path over {@code driver}, or null when the driver's internals are not the expected ones.
   *
   * @param output receives, in production order, every record written to a topic the topology does not
   *     read
   * @param commitEvery processed records between two commits, at least 1
   */
  @SuppressWarnings("unchecked")
  static ReplayDriver of(TopologyTestDriver driver, Consumer<ProducerRecord<byte[], byte[]>> output,
      int commitEvery) {
    if (commitEvery < 1) {
      throw new IllegalArgumentException("commitEvery must be at least 1, got " + commitEvery);
    }
    try {
      Object task = field(driver, "task");
      Map<String, TopicPartition> global = (Map<String, TopicPartition>) field(driver, "globalPartitionsByInputTopic");
      if (!(task instanceof StreamTask t) || !global.isEmpty()) {
        return null;
      }
      return new ReplayDriver(driver, t, (MockProducer<byte[], byte[]>) field(driver, "producer"),
          (Time) field(driver, "mockWallClockTime"),
          (Map<String, TopicPartition>) field(driver, "partitionsByInputTopic"),
          (Map<TopicPartition, AtomicLong>) field(driver, "offsetsByTopicOrPatternPartition"), output, commitEvery);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object field(TopologyTestDriver driver, String name) throws ReflectiveOperationException {
    Field f = TopologyTestDriver.class.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(driver);
  }

  /**
   * Pipes one record into input topic {@code topic} and processes everything it leads to.
   *
   * @throws IllegalArgumentException for a topic the topology does not read
   */
  void pipe(String topic, byte[] key, byte[] value, Headers headers, long timestamp) {
    TopicPartition tp = partitionsByTopic.get(topic);
    if (tp == null) {
      throw new IllegalArgumentException("Unknown topic: " + topic);
    }
    enqueue(topic, tp, timestamp, key, value, headers);
    processAll();
  }

  /** Advances the driver's wall clock by {@code millis} and runs the wall-clock punctuations due. */
  void advanceWallClock(long millis) {
    clock.sleep(millis);
    task.maybePunctuateSystemTime();
    processAll();
  }

  /** Commits (flushes the stores) and hands on what is left. */
  void commit() {
    task.prepareCommit(true);
    task.postCommit(true);
    sinceCommit = 0;
    capture();
  }

  /** The driver this runs. */
  TopologyTestDriver driver() {
    return driver;
  }

  /** Processed records since the last commit. */
  int sinceCommit() {
    return sinceCommit;
  }

  private void processAll() {
    capture();
    task.resumePollingForPartitionsWithAvailableSpace();
    task.updateLags();
    while (task.hasRecordsQueued() && task.isProcessable(clock.milliseconds())) {
      task.process(clock.milliseconds());
      task.maybePunctuateStreamTime();
      if (++sinceCommit >= commitEvery) {
        commit();
      }
      capture();
    }
  }

  private void capture() {
    List<ProducerRecord<byte[], byte[]>> produced = producer.history();
    if (produced.isEmpty()) {
      return;
    }
    producer.clear();
    for (ProducerRecord<byte[], byte[]> r : produced) {
      TopicPartition tp = partitionsByTopic.get(r.topic());
      if (tp != null) {
        enqueue(r.topic(), tp, r.timestamp(), r.key(), r.value(), r.headers());
      } else {
        output.accept(r);
      }
    }
  }

  private void enqueue(String topic, TopicPartition tp, long timestamp, byte[] key, byte[] value, Headers headers) {
    long offset = offsets.get(tp).incrementAndGet() - 1;
    task.addRecords(tp, Collections.singleton(new ConsumerRecord<>(topic, tp.partition(), offset, timestamp,
        TimestampType.CREATE_TIME, key == null ? ConsumerRecord.NULL_SIZE : key.length,
        value == null ? ConsumerRecord.NULL_SIZE : value.length, key, value, headers, Optional.empty())));
  }
}
