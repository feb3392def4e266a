package io.glasswatch.sinks.timeline;

import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.kafka.OffsetTracker;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.SinkSettings;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.sinks.timeline.BulkResults.Kind;
import io.glasswatch.sinks.timeline.BulkResults.Outcome;
import io.glasswatch.sinks.timeline.BulkResults.Pending;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the {@code timeline} topic into Elasticsearch, append-only and exactly once per entry: each
 * entry becomes one document ({@link TimelineDocuments}) written with {@code op_type=create} and
 * {@code _id = entryId} into {@code <prefix>-<yyyy.MM>}, as the sink user whose role allows only
 * creating documents. Kafka offsets are committed only up to the highest offset below which
 * Elasticsearch acknowledged every record of the partition ({@link OffsetTracker}), so a crash
 * re-delivers, and re-delivery never duplicates.
 *
 * <p>Per bulk item ({@link BulkItemOutcome}): written or 409 {@code version_conflict_engine_exception}
 * (an earlier delivery wrote it; counted as a duplicate) is done; 400 (the document violates the
 * strict mapping) goes to the dead-letter topic as the document's JSON with
 * {@link DeadLetterHeaders} source topic, partition, offset and reason, then is done; 429, 5xx, any
 * other status and a failed request are retried after a doubling, capped backoff, forever, and hold
 * back the commit meanwhile. A record whose value cannot be read as a {@link TimelineEntry} goes to
 * the dead-letter topic with its raw bytes.
 *
 * <p>Threads: {@link #run()} owns the consumer, the offset tracker and the retry queue; the bulk
 * ingester's threads only hand results back through a queue. {@link #close()} may be called from
 * any thread. The index template ({@link TimelineIndexTemplate}) must be installed first, by an
 * administrator: the sink user cannot.
 *
 * <p>Parts: {@link BulkResults} (documents in flight and Elasticsearch's answers), {@link SinkClients}
 * (the clients, created together); this class is the polling loop with its retry queue, commits,
 * rebalance handling and its public counters, which take it a little past 600 lines.
 */
public final class TimelineSink implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineSink.class);

  private record Retry(Pending pending, long dueNanos, boolean deadLetter) {}

  private final TimelineSinkOptions options;
  private final String indexPrefix;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Deserializer<TimelineEntry> deserializer;
  private final ElasticsearchConnection elasticsearch;
  private final BulkIngester<Pending> ingester;
  private final ExecutorService callbacks;
  private final OffsetTracker tracker = new OffsetTracker();
  private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final PriorityQueue<Retry> retries =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos(), b.dueNanos()));
  private final Set<TopicPartition> assigned = new HashSet<>();

  private final AtomicLong consumed = new AtomicLong();
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong retryCount = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private volatile long lag = -1;
  private volatile Throwable failure;
  private volatile boolean idle;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean closing;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object idleMonitor = new Object();
  private boolean paused;
  private long lastCommitNanos;
  private long lastEndOffsetCheckNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
  private boolean lastEndOffsetCheck;
  private static final long END_OFFSET_CHECK_MILLIS = 100;

  /**
   * A sink with the production defaults tuned by the settings ({@link TimelineSinkOptions#from}).
   *
   * @param settings Kafka bootstrap servers, registry URL, Elasticsearch URL, sink user and password,
   *     the timeline index prefix, and {@code elasticsearch.sink.*} tuning
   * @throws io.glasswatch.config.ConfigException listing every invalid setting
   */
  public TimelineSink(GlasswatchSettings settings) {
    this(SinkSettings.from(settings));
  }

  /**
   * A sink with the production defaults tuned by validated settings.
   *
   * @param settings the sinks settings
   */
  public TimelineSink(SinkSettings settings) {
    this(settings, TimelineSinkOptions.from(settings), AvroSerdes.registry(settings.registryUrl(), false));
  }

  /**
   * A sink; nothing is consumed before {@link #run()}.
   *
   * @param settings Kafka bootstrap servers, registry URL, Elasticsearch URL, sink user and password,
   *     and the timeline index prefix
   * @param options topics, group and tuning
   */
  public TimelineSink(GlasswatchSettings settings, TimelineSinkOptions options) {
    this(SinkSettings.from(settings), options, AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL), false));
  }

  /**
   * A sink reading values with {@code serdes} (the registry serdes in production).
   *
   * @param settings as in {@link #TimelineSink(GlasswatchSettings, TimelineSinkOptions)}
   * @param options topics, group and tuning
   * @param serdes where the {@link TimelineEntry} value deserializer comes from
   */
  public TimelineSink(GlasswatchSettings settings, TimelineSinkOptions options, AvroSerdes serdes) {
    this(SinkSettings.from(settings), options, serdes);
  }

  /**
   * A sink from validated settings, reading values with {@code serdes}.
   *
   * @param settings the sinks settings
   * @param options topics, group and tuning
   * @param serdes where the {@link TimelineEntry} value deserializer comes from
   */
  public TimelineSink(SinkSettings settings, TimelineSinkOptions options, AvroSerdes serdes) {
    this.options = options;
    this.indexPrefix = settings.indexPrefix();
    this.deserializer = serdes.value(TimelineEntry.class).deserializer();
    SinkClients clients = SinkClients.create(settings, options, new BulkResults.Listener(outcomes));
    this.consumer = clients.consumer();
    this.producer = clients.producer();
    this.elasticsearch = clients.elasticsearch();
    this.callbacks = clients.callbacks();
    this.ingester = clients.ingester();
  }

  /**
   * Consumes until {@link #close()}: subscribes, polls, indexes, commits. On return every document
   * acknowledged before the drain timeout is committed and every client is closed.
   *
   * @throws IllegalStateException when called twice
   * @throws KafkaException on a fatal consumer error (after closing the clients)
   */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("TimelineSink.run() may be called once");
    }
    try {
      if (!closing) {
        consumer.subscribe(List.of(options.topic()), new Rebalance());
        LOG.info("timeline sink started: topic {}, group {}, index prefix {}, Elasticsearch user {}",
            options.topic(), options.groupId(), indexPrefix, elasticsearch.user());
      }
      while (!closing) {
        ConsumerRecords<String, byte[]> records = consumer.poll(options.pollTimeout());
        for (ConsumerRecord<String, byte[]> record : records) {
          accept(record);
        }
        drainOutcomes(0);
        resubmitDueRetries();
        backpressure();
        if (System.nanoTime() - lastCommitNanos >= options.commitInterval().toNanos()) {
          commit();
        }
        updateLagAndIdle();
      }
    } catch (WakeupException e) {
      if (!closing) {
        failure = e;
        throw e;
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("timeline sink failed: {}", e.toString());
      throw e;
    } finally {
      shutdown();
    }
  }

  /**
   * Starts {@link #run()} on a new non-daemon thread named {@code glasswatch-timeline-sink}.
   *
   * @return the thread
   */
  public Thread start() {
    Thread t = new Thread(this, "glasswatch-timeline-sink");
    t.start();
    return t;
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    consumed.incrementAndGet();
    if (record.value() == null) {
      return; // a tombstone carries no entry: nothing to write, committed through the position
    }
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    OffsetTracker.Ticket ticket = tracker.register(tp, record.offset());
    TimelineEntry entry;
    byte[] document;
    try {
      entry = deserializer.deserialize(record.topic(), record.headers(), record.value());
      if (entry == null) {
        throw new IllegalArgumentException("value deserialized to null");
      }
      document = TimelineDocuments.toJson(TimelineDocuments.toDocument(entry));
    } catch (RuntimeException e) {
      Pending bad = new Pending(ticket, record.key(), null, null, null, record.value());
      bad.errorType = e.getClass().getName();
      bad.reason = "cannot read a TimelineEntry: " + e.getMessage();
      LOG.warn("timeline record {}-{}@{} is unreadable, dead-lettering: {}", record.topic(), record.partition(),
          record.offset(), bad.reason);
      sendToDeadLetter(bad);
      return;
    }
    Pending pending = new Pending(ticket, record.key(), TimelineDocuments.indexName(indexPrefix, entry),
        entry.getEntryId(), document, null);
    submit(pending);
  }

  private void submit(Pending pending) {
    BulkOperation op = BulkOperation.of(b -> b.create(c -> c
        .index(pending.index)
        .id(pending.id)
        .document(BinaryData.of(pending.document, ContentType.APPLICATION_JSON))));
    ingester.add(op, pending);
  }

  /** Applies bulk results; waits up to {@code waitMillis} for the first one. Polling thread only. */
  private void drainOutcomes(long waitMillis) {
    List<Outcome> batch = new ArrayList<>();
    if (waitMillis > 0) {
      try {
        Outcome first = outcomes.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    outcomes.drainTo(batch);
    for (Outcome o : batch) {
      Pending p = o.pending();
      if (!tracker.isCurrent(p.ticket)) {
        continue; // the partition moved to another consumer, which re-delivers the record
      }
      switch (o.kind()) {
        case WRITTEN -> {
          indexed.incrementAndGet();
          tracker.ack(p.ticket);
        }
        case DUPLICATE -> {
          duplicates.incrementAndGet();
          tracker.ack(p.ticket);
        }
        case DEAD_LETTERED -> {
          deadLettered.incrementAndGet();
          tracker.ack(p.ticket);
        }
        case REJECTED -> {
          p.errorType = o.errorType();
          p.reason = "Elasticsearch rejected the document: " + o.reason();
          LOG.warn("timeline document {} ({}-{}@{}) rejected, dead-lettering: {}", p.id,
              p.ticket.partition().topic(), p.ticket.partition().partition(), p.ticket.offset(), o.reason());
          sendToDeadLetter(p);
        }
        case RETRY -> scheduleRetry(p, false, o.reason());
        case DEAD_LETTER_FAILED -> scheduleRetry(p, true, o.reason());
        default -> throw new IllegalStateException("unexpected outcome " + o.kind());
      }
    }
  }

  private void scheduleRetry(Pending p, boolean deadLetter, String reason) {
    p.attempts++;
    retryCount.incrementAndGet();
    Duration delay = options.backoff(p.attempts);
    if (p.attempts % 10 == 0) {
      LOG.warn("{} of timeline document {} failed (attempt {}), retrying in {} ms: {}",
          deadLetter ? "dead-lettering" : "indexing", p.id, p.attempts, delay.toMillis(), reason);
    }
    retries.add(new Retry(p, System.nanoTime() + delay.toNanos(), deadLetter));
  }

  private void resubmitDueRetries() {
    long now = System.nanoTime();
    while (!retries.isEmpty() && retries.peek().dueNanos() - now <= 0) {
      Retry r = retries.poll();
      if (!tracker.isCurrent(r.pending().ticket)) {
        continue;
      }
      if (r.deadLetter()) {
        sendToDeadLetter(r.pending());
      } else {
        submit(r.pending());
      }
    }
  }

  private void sendToDeadLetter(Pending p) {
    byte[] value = p.document != null ? p.document : p.rawValue;
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(options.deadLetterTopic(), p.key, value);
    TopicPartition tp = p.ticket.partition();
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_TOPIC, tp.topic());
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_PARTITION, tp.partition());
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_OFFSET, p.ticket.offset());
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.REASON, p.reason);
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.EXCEPTION, p.errorType);
    try {
      producer.send(record, (metadata, error) -> outcomes.add(error == null
          ? new Outcome(p, Kind.DEAD_LETTERED, null, null)
          : new Outcome(p, Kind.DEAD_LETTER_FAILED, error.getClass().getName(), error.getMessage())));
    } catch (KafkaException e) {
      outcomes.add(new Outcome(p, Kind.DEAD_LETTER_FAILED, e.getClass().getName(), e.getMessage()));
    }
  }

  private void backpressure() {
    int pending = tracker.pending();
    if (!paused && pending >= options.maxInFlight()) {
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (paused && pending <= options.maxInFlight() / 2) {
      consumer.resume(consumer.paused());
      paused = false;
    }
  }

  private void commit() {
    lastCommitNanos = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(this::positionOrUnknown);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      tracker.committed(offsets);
      commits.incrementAndGet();
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("offset commit failed, will retry: {}", e.toString());
    }
  }

  private long positionOrUnknown(TopicPartition tp) {
    try {
      return assigned.contains(tp) ? consumer.position(tp, Duration.ofSeconds(1)) : -1;
    } catch (KafkaException e) {
      return -1;
    }
  }

  private void updateLagAndIdle() {
    long total = 0;
    boolean known = !assigned.isEmpty();
    for (TopicPartition tp : assigned) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isEmpty()) {
        known = false;
      } else {
        total += l.getAsLong();
      }
    }
    lag = known ? total : -1;
    boolean nowIdle = known && total == 0 && tracker.pending() == 0 && retries.isEmpty()
        && tracker.committable(this::positionOrUnknown).isEmpty() && atEndOfEveryPartition();
    idle = nowIdle;
    if (nowIdle) {
      synchronized (idleMonitor) {
        idleMonitor.notifyAll();
      }
    }
  }

  /**
   * Whether the position of every assigned partition equals its end offset on the broker (the last
   * stable offset, as the consumer reads committed records only). Asks the broker at most every
   * {@value #END_OFFSET_CHECK_MILLIS} ms, because the lag of the last fetch may predate new records.
   */
  private boolean atEndOfEveryPartition() {
    long now = System.nanoTime();
    if (now - lastEndOffsetCheckNanos < TimeUnit.MILLISECONDS.toNanos(END_OFFSET_CHECK_MILLIS)) {
      return lastEndOffsetCheck;
    }
    lastEndOffsetCheckNanos = now;
    try {
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, Duration.ofSeconds(2));
      lastEndOffsetCheck = !end.isEmpty()
          && end.entrySet().stream().allMatch(e -> positionOrUnknown(e.getKey()) >= e.getValue());
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      lastEndOffsetCheck = false;
    }
    return lastEndOffsetCheck;
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      drainOutcomes(0);
      Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(tp -> -1);
      offsets.keySet().retainAll(partitions);
      if (!offsets.isEmpty()) {
        try {
          consumer.commitSync(offsets);
        } catch (KafkaException e) {
          LOG.warn("offset commit on revocation failed; records will be re-delivered as duplicates: {}", e.toString());
        }
      }
      tracker.forget(partitions);
      assigned.removeAll(partitions);
      LOG.info("timeline partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      tracker.assign(partitions);
      assigned.addAll(partitions);
      if (paused) {
        consumer.pause(partitions);
      }
      LOG.info("timeline partitions assigned: {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      tracker.forget(partitions);
      assigned.removeAll(partitions);
      LOG.warn("timeline partitions lost: {}", partitions);
    }
  }

  private void shutdown() {
    try {
      long deadline = System.nanoTime() + options.drainTimeout().toNanos();
      try {
        ingester.flush();
        while ((tracker.pending() > 0 || !retries.isEmpty()) && System.nanoTime() - deadline < 0) {
          resubmitDueRetries();
          ingester.flush();
          drainOutcomes(20);
        }
        drainOutcomes(0);
        if (tracker.pending() > 0) {
          LOG.warn("timeline sink closing with {} documents unacknowledged; they will be re-delivered",
              tracker.pending());
        }
        if (started.get()) {
          commit();
        }
      } catch (RuntimeException e) {
        LOG.warn("timeline sink could not drain before closing: {}", e.toString());
      }
    } finally {
      closeQuietly(ingester::close, "bulk ingester");
      closeQuietly(() -> producer.close(Duration.ofSeconds(5)), "dead-letter producer");
      closeQuietly(() -> consumer.close(Duration.ofSeconds(5)), "consumer");
      closeQuietly(elasticsearch::close, "Elasticsearch client");
      closeQuietly(callbacks::shutdown, "bulk callback thread");
      closeQuietly(deserializer::close, "deserializer");
      idle = false;
      stopped.countDown();
      LOG.info("timeline sink stopped: {}", this);
    }
  }

  private static void closeQuietly(Runnable close, String what) {
    try {
      close.run();
    } catch (RuntimeException e) {
      LOG.warn("closing the {} failed: {}", what, e.toString());
    }
  }

  /**
   * Stops consuming, waits up to the drain timeout for outstanding documents, commits what
   * Elasticsearch acknowledged, and closes every client. Idempotent; callable from any thread. When
   * {@link #run()} never started, only closes the clients.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    closing = true;
    if (started.compareAndSet(false, true)) {
      shutdown();
      return;
    }
    consumer.wakeup();
    awaitStopped();
  }

  private void awaitStopped() {
    try {
      stopped.await(options.drainTimeout().toMillis() + 15_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the sink is idle: partitions assigned, nothing left to fetch (consumer lag 0),
   * every consumed record acknowledged by Elasticsearch or dead-lettered, and its offset committed.
   *
   * @param timeout longest wait
   * @return true when idle, false when the timeout passed first or the sink stopped
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idleMonitor) {
      while (!idle) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || stopped.getCount() == 0) {
          return false;
        }
        idleMonitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      return true;
    }
  }

  /** Whether {@link #run()} has returned (after {@link #close()} or a fatal error). */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** The error that ended {@link #run()}, if any (e.g. a Kafka authorization or configuration error). */
  public java.util.Optional<Throwable> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  /** Whether the sink was idle after its last poll (see {@link #awaitIdle(Duration)}). */
  public boolean isIdle() {
    return idle;
  }

  /** Records fetched from the timeline topic (tombstones included), in this sink's lifetime. */
  public long consumed() {
    return consumed.get();
  }

  /** Documents Elasticsearch created. */
  public long indexed() {
    return indexed.get();
  }

  /** Documents Elasticsearch already had (409 on create): re-deliveries, counted as success. */
  public long duplicates() {
    return duplicates.get();
  }

  /** {@link #indexed()} + {@link #duplicates()}: entries known to be in Elasticsearch. */
  public long indexedOrDuplicate() {
    return indexed.get() + duplicates.get();
  }

  /** Records written to the dead-letter topic (rejected documents and unreadable values). */
  public long deadLettered() {
    return deadLettered.get();
  }

  /** Retries scheduled (429/5xx items, failed requests, failed dead-letter sends). */
  public long retries() {
    return retryCount.get();
  }

  /** Successful offset commits. */
  public long commits() {
    return commits.get();
  }

  /** Records still to fetch over the assigned partitions after the last poll; -1 when unknown. */
  public long lag() {
    return lag;
  }

  /** Counters, never credentials. */
  @Override
  public String toString() {
    return "TimelineSink{topic=" + options.topic() + ", group=" + options.groupId() + ", consumed=" + consumed
        + ", indexed=" + indexed + ", duplicates=" + duplicates + ", deadLettered=" + deadLettered
        + ", retries=" + retryCount + ", lag=" + lag + "}";
  }
}
