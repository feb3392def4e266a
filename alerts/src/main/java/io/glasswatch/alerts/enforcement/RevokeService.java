package io.glasswatch.alerts.enforcement;

import io.glasswatch.alerts.kafka.DeadLetters;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.alerts.kafka.KeyLog;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes revoke commands: consumes {@code revoke-commands} (consumer group
 * {@code glasswatch-revoker}), runs each through {@link SsoAdminRevoker}, and produces a
 * {@link RevokeResult} to {@code revoke-results}, key {@code commandId}.
 *
 * <p>Rule: executing a {@code commandId} twice has the effect of executing it once. At start-up
 * (and after every partition assignment) the service reads {@code revoke-results} to its end and
 * skips every command that already has a result there, whatever the outcome; a command repeated
 * within one batch runs once. Results are written by an idempotent {@code acks=all} producer and
 * {@code revoke-commands} offsets are committed only after every result of the batch is
 * acknowledged, so a crash re-runs at most the unacknowledged commands (which then find the
 * assignment already gone).
 *
 * <p>Concurrency: commands for the same (account, permission set) run one after another in
 * arrival order; different pairs run in parallel on {@code parallelism} threads. While a batch
 * runs, the consumer is paused and keeps polling, so long revokes (up to the revoker's deadline)
 * never exceed {@code max.poll.interval.ms}; on a rebalance the batch is finished and committed
 * before partitions are given up.
 *
 * <p>Failures: an unreadable command goes to the dead-letter topic with its raw bytes and headers;
 * every AWS failure is a {@code FAILED} result (never silent); if a result cannot be written,
 * {@link #run()} throws and offsets stay uncommitted.
 */
public final class RevokeService implements Runnable, AutoCloseable {
  /** Consumer group of the revoke service. */
  public static final String GROUP_ID = "glasswatch-revoker";

  private static final Logger LOG = LoggerFactory.getLogger(RevokeService.class);

  /**
   * Topics, group, parallelism and timing.
   *
   * @param commandsTopic normally {@code revoke-commands}
   * @param resultsTopic normally {@code revoke-results}
   * @param deadLetterTopic normally {@code dead-letter}
   * @param groupId normally {@code glasswatch-revoker}
   * @param parallelism worker threads (different account/permission-set pairs in parallel), 1-64
   * @param pollTimeout longest wait of one poll
   * @param startupTimeout bound for reading {@code revoke-results} at start and after assignments
   * @param closeTimeout how long {@link #close()} waits for running revokes to finish
   */
  public record Options(String commandsTopic, String resultsTopic, String deadLetterTopic, String groupId,
      int parallelism, Duration pollTimeout, Duration startupTimeout, Duration closeTimeout) {
    /** Validates: names non-blank, parallelism 1-64, durations positive. */
    public Options {
      for (String s : new String[] {commandsTopic, resultsTopic, deadLetterTopic, groupId}) {
        if (s == null || s.isBlank()) {
          throw new IllegalArgumentException("topic names and group id must not be blank");
        }
      }
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("parallelism must be 1-64, got " + parallelism);
      }
      for (Duration d : new Duration[] {pollTimeout, startupTimeout, closeTimeout}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("timeouts must be positive");
        }
      }
    }

    /**
     * The production options.
     *
     * @return standard topics and group, 4 workers, poll 500 ms, start-up 60 s, close 90 s
     *     (longer than a revoke deadline)
     */
    public static Options defaults() {
      return new Options(Topics.REVOKE_COMMANDS, Topics.REVOKE_RESULTS, Topics.DEAD_LETTER, GROUP_ID, 4,
          Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(90));
    }

    /**
     * A copy with other topics.
     *
     * @param commands topic of revoke commands read
     * @param results topic of revoke results written
     * @param deadLetter dead-letter topic
     * @return the copy
     */
    public Options withTopics(String commands, String results, String deadLetter) {
      return new Options(commands, results, deadLetter, groupId, parallelism, pollTimeout, startupTimeout, closeTimeout);
    }

    /**
     * A copy in another consumer group.
     *
     * @param group consumer group id
     * @return the copy
     */
    public Options withGroupId(String group) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, group, parallelism, pollTimeout, startupTimeout,
          closeTimeout);
    }

    /**
     * A copy with another poll timeout.
     *
     * @param poll longest wait of one poll
     * @return the copy
     */
    public Options withPollTimeout(Duration poll) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, parallelism, poll, startupTimeout,
          closeTimeout);
    }

    /**
     * A copy with another number of workers.
     *
     * @param threads worker threads, 1-64
     * @return the copy
     */
    public Options withParallelism(int threads) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, threads, pollTimeout, startupTimeout,
          closeTimeout);
    }
  }

  /**
   * Counts since the service was created.
   *
   * @param commandsRead command records read (including unreadable ones)
   * @param executed commands executed (a result was written)
   * @param alreadyExecuted commands skipped because their {@code commandId} already had a result
   * @param outcomes results written per outcome ({@link RevokeOutcome} names)
   * @param deadLettered unreadable commands sent to the dead-letter topic
   * @param timeToRevokeMillis statistics of {@code timeToRevokeMillis} over CONFIRMED results
   */
  public record Stats(long commandsRead, long executed, long alreadyExecuted, Map<String, Long> outcomes,
      long deadLettered, LongSummaryStatistics timeToRevokeMillis) {}

  /** Work of one poll. Touched by the poll thread only. */
  private static final class Batch {
    final Map<String, CompletableFuture<RevokeResult>> byCommand = new LinkedHashMap<>();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    boolean committed;

    CompletableFuture<Void> all() {
      return CompletableFuture.allOf(byCommand.values().toArray(CompletableFuture[]::new));
    }
  }

  private final GlasswatchSettings settings;
  private final SsoAdminRevoker revoker;
  private final Options options;
  private final String clientId;
  private final Deserializer<RevokeCommand> commandDeserializer;
  private final Serializer<RevokeResult> resultSerializer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final KeyedExecutor executor;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private KeyLog executed;
  private Batch current;

  private final LongAdder commandsRead = new LongAdder();
  private final LongAdder executedCount = new LongAdder();
  private final LongAdder alreadyExecuted = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongSummaryStatistics timeToRevoke = new LongSummaryStatistics();

  /**
   * A service with {@link Options#defaults()}.
   *
   * @param settings Kafka bootstrap servers and the Apicurio Registry URL
   * @param revoker executes commands; not closed by this service
   */
  public RevokeService(GlasswatchSettings settings, SsoAdminRevoker revoker) {
    this(settings, revoker, Options.defaults());
  }

  /**
   * A service. Kafka clients are created here; nothing is read before {@link #run()}.
   *
   * @param settings Kafka bootstrap servers and the Apicurio Registry URL
   * @param revoker executes commands; not closed by this service (its creator owns it)
   * @param options topics, group, parallelism, timing
   */
  public RevokeService(GlasswatchSettings settings, SsoAdminRevoker revoker, Options options) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.revoker = Objects.requireNonNull(revoker, "revoker");
    this.options = Objects.requireNonNull(options, "options");
    this.clientId = options.groupId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    this.commandDeserializer = serdes.value(RevokeCommand.class).deserializer();
    this.resultSerializer = serdes.value(RevokeResult.class).serializer();
    this.consumer = new KafkaConsumer<>(KafkaClients.groupConsumer(settings, options.groupId(), clientId),
        new StringDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(KafkaClients.producer(settings, clientId), new StringSerializer(),
        new ByteArraySerializer());
    this.executor = new KeyedExecutor(options.parallelism(), clientId + "-worker");
  }

  /**
   * Rebuilds the executed set, then consumes and executes until {@link #close()}. Call once, on a
   * thread of its own.
   *
   * @throws IllegalStateException when called twice, when {@code revoke-results} cannot be read
   *     within the start-up timeout, or when a result cannot be written
   */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("RevokeService.run() may be called once");
    }
    try {
      if (closing.get()) {
        return;
      }
      executed = new KeyLog(settings, options.resultsTopic(), clientId + "-state");
      executed.catchUp(options.startupTimeout());
      LOG.info("revoke service {}: {} commands already have results in {}; revoker {}", clientId, executed.size(),
          options.resultsTopic(), revoker);
      consumer.subscribe(java.util.List.of(options.commandsTopic()), new Rebalance());
      while (!closing.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(options.pollTimeout());
        if (records.isEmpty()) {
          continue;
        }
        Batch batch = new Batch();
        current = batch;
        for (ConsumerRecord<String, byte[]> r : records) {
          accept(r, batch);
        }
        if (!batch.byCommand.isEmpty()) {
          consumer.pause(consumer.assignment());
          CompletableFuture<Void> all = batch.all();
          while (!all.isDone()) {
            ConsumerRecords<String, byte[]> stray = consumer.poll(Duration.ofMillis(100));
            if (!stray.isEmpty()) {
              rewind(stray);
            }
          }
          consumer.resume(consumer.paused());
        }
        finish(batch);
        current = null;
      }
    } catch (WakeupException e) {
      if (!closing.get()) {
        throw e;
      }
      if (current != null) {
        finish(current);
      }
    } finally {
      closeClients();
      stopped.countDown();
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record, Batch batch) {
    commandsRead.increment();
    batch.offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    RevokeCommand command;
    try {
      command = commandDeserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      LOG.error("unreadable revoke command at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      send(DeadLetters.of(record, options.deadLetterTopic(), "cannot read revoke command: " + e.getMessage(),
          e.getClass().getName()));
      deadLettered.increment();
      return;
    }
    if (command == null) {
      return;
    }
    String id = command.getCommandId();
    if (executed.contains(id) || batch.byCommand.containsKey(id)) {
      alreadyExecuted.increment();
      LOG.info("revoke command {} already executed; skipped", id);
      return;
    }
    batch.byCommand.put(id, executor.submit(laneKey(command), () -> execute(command)));
  }

  /** The serialization key: commands on the same account and permission set run one after another. */
  static String laneKey(RevokeCommand command) {
    return command.getAssignment() == null ? "-"
        : command.getAssignment().getAccountId() + "|" + command.getAssignment().getPermissionSetArn();
  }

  /** Runs on a worker thread: revoke, write the result, wait for its acknowledgement. */
  private RevokeResult execute(RevokeCommand command) {
    RevokeResult result = revoker.revoke(command);
    RecordHeaders headers = new RecordHeaders();
    byte[] value;
    synchronized (resultSerializer) {
      value = resultSerializer.serialize(options.resultsTopic(), headers, result);
    }
    send(new ProducerRecord<>(options.resultsTopic(), null, command.getCommandId(), value, headers));
    outcomes.computeIfAbsent(result.getOutcome(), k -> new LongAdder()).increment();
    executedCount.increment();
    if (result.getTimeToRevokeMillis() != null) {
      synchronized (timeToRevoke) {
        timeToRevoke.accept(result.getTimeToRevokeMillis());
      }
    }
    return result;
  }

  private void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to " + record.topic() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
    }
  }

  /** Waits for the batch, records executed ids, commits its offsets (once). */
  private void finish(Batch batch) {
    RuntimeException failure = null;
    for (Map.Entry<String, CompletableFuture<RevokeResult>> e : batch.byCommand.entrySet()) {
      try {
        e.getValue().join();
        executed.add(e.getKey());
      } catch (CompletionException | java.util.concurrent.CancellationException ex) {
        if (failure == null) {
          failure = new IllegalStateException("revoke command " + e.getKey() + " has no recorded result: "
              + ex.getCause(), ex.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    if (!batch.committed && !batch.offsets.isEmpty()) {
      consumer.commitSync(batch.offsets);
      batch.committed = true;
    }
  }

  /** Records polled while paused (newly assigned partitions): seek back so they are read again later. */
  private void rewind(ConsumerRecords<String, byte[]> stray) {
    for (TopicPartition tp : stray.partitions()) {
      consumer.seek(tp, stray.records(tp).getFirst().offset());
      consumer.pause(java.util.List.of(tp));
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (current != null && !current.committed) {
        finish(current);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      long n = executed.catchUp(options.startupTimeout());
      LOG.debug("assigned {}; read {} new results", partitions, n);
      if (current != null && !current.committed) {
        consumer.pause(partitions);
      }
    }
  }

  /**
   * A snapshot of the counts; safe to call from any thread.
   *
   * @return a snapshot of the counts; safe to call from any thread
   */
  public Stats stats() {
    Map<String, Long> o = new LinkedHashMap<>();
    for (RevokeOutcome outcome : RevokeOutcome.values()) {
      LongAdder a = outcomes.get(outcome.name());
      o.put(outcome.name(), a == null ? 0 : a.sum());
    }
    LongSummaryStatistics ttr = new LongSummaryStatistics();
    synchronized (timeToRevoke) {
      ttr.combine(timeToRevoke);
    }
    return new Stats(commandsRead.sum(), executedCount.sum(), alreadyExecuted.sum(), Map.copyOf(o), deadLettered.sum(), ttr);
  }

  /**
   * The options.
   *
   * @return the options
   */
  public Options options() {
    return options;
  }

  /**
   * Stops {@link #run()}: running revokes finish and their results are written and committed
   * first. Waits up to {@code closeTimeout}. Safe from any thread, more than once, and before
   * {@link #run()}. The revoker is not closed.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    if (started.compareAndSet(false, true)) {
      closeClients();
      stopped.countDown();
      return;
    }
    consumer.wakeup();
    try {
      if (!stopped.await(options.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("revoke service {} still running after {}", clientId, options.closeTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeClients() {
    executor.shutdown(options.closeTimeout());
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      LOG.debug("closing consumer: {}", e.toString());
    }
    producer.close(Duration.ofSeconds(5));
    if (executed != null) {
      executed.close();
    }
    commandDeserializer.close();
    resultSerializer.close();
  }
}
