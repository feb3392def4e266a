package io.glasswatch.alerts.enforcement;

import io.glasswatch.alerts.kafka.DeadLetters;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.alerts.kafka.KeyLog;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * skips every command that already has a final result there, whatever the outcome; a command
 * repeated while it runs runs once. Results are written by an idempotent {@code acks=all} producer,
 * and a partition's offset is committed only up to the first command whose result is not yet
 * acknowledged, so a crash re-runs at most unfinished commands (which then find the assignment gone).
 *
 * <p>Concurrency: commands for the same (account, permission set) run one after another in
 * arrival order (IAM Identity Center answers {@code ConflictException} to concurrent changes of one
 * assignment); different pairs run in parallel, each on a virtual thread, up to
 * {@code parallelism} at once. The consumer never waits for a revoke: a revoke that retries until
 * its give-up time holds only its own (account, permission set) lane.
 *
 * <p>Reporting: besides the final result, every step is a progress record on {@code revoke-results}
 * (key {@code <commandId>/<n>}, outcome {@code IN_PROGRESS}, {@code step} command_received,
 * delete_requested, status_polled, retrying, deadline_missed), which the streams app turns into
 * timeline entries. When a revoke is not confirmed within the revoker's deadline, or fails, a
 * critical {@code REVOKE_FAILED} alert (SPEC section 3; id {@code Hashing.deterministicId("REVOKE_FAILED",
 * commandId)}, evidence the command id, summary naming what was tried) goes to {@code alerts} once per
 * command, and on-call hears "revoke failed"; a confirmed revoke is notified as "access revoked"
 * ("late revoke" for the expiry sweeper's). A confirmed revoke whose assignment other active grants
 * relied on ({@link OverlappingGrants}) names them in {@code alsoRevokedRequestIds} and writes a
 * CONFIRMED result for each of them too (command id {@code <commandId>/also/<requestId>}), so both
 * grants are recorded as revoked.
 *
 * <p>Failures: an unreadable command goes to the dead-letter topic with its raw bytes and headers;
 * every AWS failure is a {@code FAILED} result (never silent); if a result cannot be written,
 * {@link #run()} throws and offsets stay uncommitted.
 */
public final class RevokeService implements Runnable, AutoCloseable {
  /** Consumer group of the revoke service. */
  public static final String GROUP_ID = "glasswatch-revoker";

  /** Runbook of REVOKE_FAILED alerts. */
  public static final String RUNBOOK = "docs/runbooks.md#revoke-failed";

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
   * @param alertsTopic where REVOKE_FAILED alerts go, normally {@code alerts}
   */
  public record Options(String commandsTopic, String resultsTopic, String deadLetterTopic, String groupId,
      int parallelism, Duration pollTimeout, Duration startupTimeout, Duration closeTimeout, String alertsTopic) {
    /** Validates: names non-blank, parallelism 1-64, durations positive. */
    public Options {
      for (String s : new String[] {commandsTopic, resultsTopic, deadLetterTopic, groupId, alertsTopic}) {
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
     * @return standard topics and group, 8 revokes at once, poll 500 ms, start-up 60 s, close 90 s
     *     (longer than a revoke deadline)
     */
    public static Options defaults() {
      return new Options(Topics.REVOKE_COMMANDS, Topics.REVOKE_RESULTS, Topics.DEAD_LETTER, GROUP_ID, 8,
          Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(90), Topics.ALERTS);
    }

    /**
     * A copy writing REVOKE_FAILED alerts to another topic.
     *
     * @param alerts the alerts topic
     * @return the copy
     */
    public Options withAlertsTopic(String alerts) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, parallelism, pollTimeout, startupTimeout,
          closeTimeout, alerts);
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
      return new Options(commands, results, deadLetter, groupId, parallelism, pollTimeout, startupTimeout, closeTimeout, alertsTopic);
    }

    /**
     * A copy in another consumer group.
     *
     * @param group consumer group id
     * @return the copy
     */
    public Options withGroupId(String group) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, group, parallelism, pollTimeout, startupTimeout,
          closeTimeout, alertsTopic);
    }

    /**
     * A copy with another poll timeout.
     *
     * @param poll longest wait of one poll
     * @return the copy
     */
    public Options withPollTimeout(Duration poll) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, parallelism, poll, startupTimeout,
          closeTimeout, alertsTopic);
    }

    /**
     * A copy with another number of workers.
     *
     * @param threads worker threads, 1-64
     * @return the copy
     */
    public Options withParallelism(int threads) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, threads, pollTimeout, startupTimeout,
          closeTimeout, alertsTopic);
    }
  }

  /**
   * Counts since the service was created.
   *
   * @param commandsRead command records read (including unreadable ones)
   * @param executed commands executed (a result was written)
   * @param alreadyExecuted commands skipped because their {@code commandId} already had a result
   * @param outcomes final results written per outcome ({@link RevokeOutcome} names)
   * @param revokeFailedAlerts REVOKE_FAILED alerts raised
   * @param deadLettered unreadable commands sent to the dead-letter topic
   * @param timeToRevokeMillis statistics of {@code timeToRevokeMillis} over CONFIRMED results
   */
  public record Stats(long commandsRead, long executed, long alreadyExecuted, Map<String, Long> outcomes,
      long revokeFailedAlerts, long deadLettered, LongSummaryStatistics timeToRevokeMillis) {}

  /** Offsets of one partition: which are done, so commits never skip an unfinished command. */
  private static final class PartitionOffsets {
    final TreeMap<Long, Boolean> pending = new TreeMap<>();
    long committed = -1;

    /** The offset to commit (one past the last of a done prefix), or -1. */
    long commitable() {
      long next = -1;
      while (!pending.isEmpty() && pending.firstEntry().getValue()) {
        next = pending.pollFirstEntry().getKey() + 1;
      }
      return next;
    }
  }

  private final GlasswatchSettings settings;
  private final SsoAdminRevoker revoker;
  private final Options options;
  private final RevokeNotifier notifier;
  private final OverlappingGrants overlaps;
  private final Clock clock;
  private final String clientId;
  private final Deserializer<RevokeCommand> commandDeserializer;
  private final Serializer<RevokeResult> resultSerializer;
  private final Serializer<Alert> alertSerializer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final KeyedExecutor executor;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<TopicPartition, PartitionOffsets> offsets = new HashMap<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Queue<String> finished = new ConcurrentLinkedQueue<>();
  private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private KeyLog executed;

  private final LongAdder commandsRead = new LongAdder();
  private final LongAdder executedCount = new LongAdder();
  private final LongAdder alreadyExecuted = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder revokeFailedAlerts = new LongAdder();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongSummaryStatistics timeToRevoke = new LongSummaryStatistics();

  /**
   * A service with {@link Options#defaults()}, no notifications and no overlap lookup.
   *
   * @param settings Kafka bootstrap servers and the Apicurio Registry URL
   * @param revoker executes commands; not closed by this service
   */
  public RevokeService(GlasswatchSettings settings, SsoAdminRevoker revoker) {
    this(settings, revoker, Options.defaults());
  }

  /**
   * A service without notifications and overlap lookup.
   *
   * @param settings Kafka bootstrap servers and the Apicurio Registry URL
   * @param revoker executes commands; not closed by this service (its creator owns it)
   * @param options topics, group, parallelism, timing
   */
  public RevokeService(GlasswatchSettings settings, SsoAdminRevoker revoker, Options options) {
    this(settings, revoker, options, RevokeNotifier.NONE, OverlappingGrants.NONE);
  }

  /**
   * A service. Kafka clients are created here; nothing is read before {@link #run()}.
   *
   * @param settings Kafka bootstrap servers and the Apicurio Registry URL
   * @param revoker executes commands; not closed by this service (its creator owns it)
   * @param options topics, group, parallelism, timing
   * @param notifier tells on-call "access revoked", "late revoke", "revoke failed"
   * @param overlaps other active grants relying on an assignment
   */
  public RevokeService(GlasswatchSettings settings, SsoAdminRevoker revoker, Options options, RevokeNotifier notifier,
      OverlappingGrants overlaps) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.revoker = Objects.requireNonNull(revoker, "revoker");
    this.options = Objects.requireNonNull(options, "options");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.overlaps = Objects.requireNonNull(overlaps, "overlaps");
    this.clock = Clock.systemUTC();
    this.clientId = options.groupId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    this.commandDeserializer = serdes.value(RevokeCommand.class).deserializer();
    this.resultSerializer = serdes.value(RevokeResult.class).serializer();
    this.alertSerializer = serdes.value(Alert.class).serializer();
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
      consumer.subscribe(List.of(options.commandsTopic()), new Rebalance());
      while (!closing.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(options.pollTimeout());
        for (ConsumerRecord<String, byte[]> r : records) {
          accept(r);
        }
        completeAndCommit();
      }
    } catch (WakeupException e) {
      if (!closing.get()) {
        throw e;
      }
    } finally {
      try {
        drain();
      } finally {
        closeClients();
        stopped.countDown();
      }
    }
  }

  /** On close: waits for running revokes (up to closeTimeout) and commits what finished. */
  private void drain() {
    long end = System.nanoTime() + options.closeTimeout().toNanos();
    while (!running.isEmpty() && System.nanoTime() < end && failure.get() == null) {
      for (String id; (id = finished.poll()) != null; ) {
        running.remove(id);
        if (executed != null) {
          executed.add(id);
        }
      }
      if (running.isEmpty()) {
        break;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!running.isEmpty()) {
      LOG.warn("revoke service {} stops with {} revokes unfinished; they run again at the next start", clientId,
          running.size());
    }
    try {
      completeAndCommit();
    } catch (RuntimeException e) {
      LOG.warn("revoke service {}: final commit failed: {}", clientId, e.toString());
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    commandsRead.increment();
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    PartitionOffsets po = offsets.computeIfAbsent(tp, k -> new PartitionOffsets());
    RevokeCommand command;
    try {
      command = commandDeserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      LOG.error("unreadable revoke command at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      send(DeadLetters.of(record, options.deadLetterTopic(), "cannot read revoke command: " + e.getMessage(),
          e.getClass().getName()));
      deadLettered.increment();
      po.pending.put(record.offset(), true);
      return;
    }
    if (command == null) {
      po.pending.put(record.offset(), true);
      return;
    }
    String id = command.getCommandId();
    if (executed.contains(id) || running.contains(id)) {
      alreadyExecuted.increment();
      LOG.info("revoke command {} already executed; skipped", id);
      po.pending.put(record.offset(), true);
      return;
    }
    running.add(id);
    po.pending.put(record.offset(), false);
    long offset = record.offset();
    executor.submit(laneKey(command), () -> execute(command)).whenComplete((r, e) -> {
      if (e != null) {
        failure.compareAndSet(null, new IllegalStateException("revoke command " + id + " has no recorded result: "
            + e, e));
        return;
      }
      completions.add(() -> {
        PartitionOffsets p = offsets.get(tp);
        if (p != null) {
          p.pending.put(offset, true);
        }
      });
      finished.add(id);
    });
  }

  /** Poll thread: applies finished revokes to the executed set and commits done offset prefixes. */
  private void completeAndCommit() {
    RuntimeException f = failure.get();
    if (f != null) {
      throw f;
    }
    for (Runnable c; (c = completions.poll()) != null; ) {
      c.run();
    }
    for (String id; (id = finished.poll()) != null; ) {
      executed.add(id);
      running.remove(id);
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((tp, po) -> {
      long next = po.commitable();
      if (next > po.committed) {
        po.committed = next;
        commit.put(tp, new OffsetAndMetadata(next));
      }
    });
    if (!commit.isEmpty()) {
      consumer.commitSync(commit);
    }
  }

  /** The serialization key: commands on the same account and permission set run one after another. */
  static String laneKey(RevokeCommand command) {
    return command.getAssignment() == null ? "-"
        : command.getAssignment().getAccountId() + "|" + command.getAssignment().getPermissionSetArn();
  }

  /** The id of the REVOKE_FAILED alert of a command. */
  static String revokeFailedAlertId(String commandId) {
    return Hashing.deterministicId("REVOKE_FAILED", commandId);
  }

  /** Runs on a worker thread: revoke with progress reports, write the result, notify. */
  private RevokeResult execute(RevokeCommand command) {
    Instant pickedUp = clock.instant();
    AtomicInteger seq = new AtomicInteger();
    AtomicBoolean alerted = new AtomicBoolean();
    progress(command, seq.incrementAndGet(), "command_received", pickedUp, null, null, null);
    RevokeResult result = revoker.revoke(command, (step, p) -> {
      String alertId = null;
      if (SsoAdminRevoker.STEP_DEADLINE_MISSED.equals(step) && alerted.compareAndSet(false, true)) {
        alertId = raiseRevokeFailed(command, "not confirmed within " + revoker.options().deadline().toSeconds()
            + " s; still trying until " + revoker.options().giveUp().toMinutes() + " min after pick-up", p.describe());
      }
      RevokeResult r = progress(command, seq.incrementAndGet(), step, pickedUp, p, null, alertId);
      if (alertId != null) {
        notifier.notify(new RevokeNotifier.Notice(RevokeNotifier.REVOKE_FAILED, command, r, p.describe(),
            clock.instant()));
      }
    });
    String alertId = alerted.get() ? revokeFailedAlertId(command.getCommandId()) : null;
    if (RevokeOutcome.FAILED.name().equals(result.getOutcome()) && alerted.compareAndSet(false, true)) {
      alertId = raiseRevokeFailed(command, "failed", result.getFailureReason() + " (" + result.getAttempts() + " "
          + "DeleteAccountAssignment attempts)");
    }
    List<String> also = List.of();
    if (RevokeOutcome.CONFIRMED.name().equals(result.getOutcome()) && command.getAssignment() != null) {
      also = overlaps.activeOthers(command);
    }
    result.setRevokeFailedAlertId(alertId);
    result.setAlsoRevokedRequestIds(also);
    write(command.getCommandId(), result);
    for (String other : also) {
      RevokeResult r = RevokeResult.newBuilder(result)
          .setCommandId(command.getCommandId() + "/also/" + other)
          .setRequestId(other)
          .setCorrelationId(other)
          .setAlsoRevokedRequestIds(List.of(command.getRequestId() == null ? command.getCorrelationId()
              : command.getRequestId()))
          .build();
      write(r.getCommandId(), r);
    }
    outcomes.computeIfAbsent(result.getOutcome(), k -> new LongAdder()).increment();
    executedCount.increment();
    if (result.getTimeToRevokeMillis() != null) {
      synchronized (timeToRevoke) {
        timeToRevoke.accept(result.getTimeToRevokeMillis());
      }
    }
    String outcome = result.getOutcome();
    if (RevokeOutcome.CONFIRMED.name().equals(outcome) || RevokeOutcome.ALREADY_ABSENT.name().equals(outcome)) {
      String kind = "expiry".equals(command.getTrigger()) && RevokeOutcome.CONFIRMED.name().equals(outcome)
          ? RevokeNotifier.LATE_REVOKE : RevokeNotifier.ACCESS_REVOKED;
      notifier.notify(new RevokeNotifier.Notice(kind, command, result,
          also.isEmpty() ? null : "the assignment also ended the grants of requests " + String.join(", ", also),
          clock.instant()));
    } else if (RevokeOutcome.FAILED.name().equals(outcome)) {
      notifier.notify(new RevokeNotifier.Notice(RevokeNotifier.REVOKE_FAILED, command, result,
          result.getFailureReason(), clock.instant()));
    }
    return result;
  }

  /** Writes one progress record (key {@code <commandId>/<seq>}). */
  private RevokeResult progress(RevokeCommand command, int seq, String step, Instant pickedUp,
      SsoAdminRevoker.Progress p, String reason, String alertId) {
    RevokeResult r = SsoAdminRevoker.resultOf(command)
        .setOutcome("IN_PROGRESS")
        .setDeletionRequestId(p == null ? null : p.deletionRequestId())
        .setDeletionStatus(p == null ? null : p.deletionStatus())
        .setFailureReason(p == null ? reason : p.lastProblem())
        .setAttempts(p == null ? 0 : p.deleteAttempts())
        .setStartedAt(pickedUp)
        .setDeleteRequestedAt(p == null ? null : p.deleteRequestedAt())
        .setCompletedAt(clock.instant())
        .setStep(step)
        .setStepSeq(seq)
        .setRevokeFailedAlertId(alertId)
        .build();
    write(command.getCommandId() + "/" + seq, r);
    return r;
  }

  /** Produces the REVOKE_FAILED alert of a command; returns its id. */
  private String raiseRevokeFailed(RevokeCommand command, String what, String tried) {
    String alertId = revokeFailedAlertId(command.getCommandId());
    AccountAssignment a = command.getAssignment();
    String target = a == null ? "no recorded assignment"
        : a.getPrincipalType() + " " + a.getPrincipalId() + " / " + a.getPermissionSetArn() + " / account "
            + a.getAccountId();
    Instant now = clock.instant();
    Alert alert = Alert.newBuilder()
        .setAlertId(alertId)
        .setAlertType("REVOKE_FAILED")
        .setSeverity("critical")
        .setCorrelationId(command.getCorrelationId())
        .setRequestId(command.getRequestId())
        .setAccountId(a == null ? null : a.getAccountId())
        .setSubject(null)
        .setEvidence(command.getAlertId() == null ? List.of(command.getCommandId())
            : List.of(command.getCommandId(), command.getAlertId()))
        .setDetectedAt(now)
        .setEventTime(command.getIssuedAt())
        .setSummary("Revoke " + command.getCommandId() + " of request " + command.getRequestId() + " (" + target
            + ", " + command.getTrigger() + ": " + command.getReason() + ") " + what + ": " + tried + ".")
        .setRunbook(RUNBOOK)
        .setActions(List.of("page"))
        .setRevokedRequestIds(List.of())
        .build();
    byte[] value;
    synchronized (alertSerializer) {
      value = alertSerializer.serialize(options.alertsTopic(), new RecordHeaders(), alert);
    }
    send(new ProducerRecord<>(options.alertsTopic(), null, command.getCorrelationId(), value, new RecordHeaders()));
    revokeFailedAlerts.increment();
    LOG.error("REVOKE_FAILED {} raised for revoke {}", alertId, command.getCommandId());
    return alertId;
  }

  private void write(String key, RevokeResult result) {
    RecordHeaders headers = new RecordHeaders();
    byte[] value;
    synchronized (resultSerializer) {
      value = resultSerializer.serialize(options.resultsTopic(), headers, result);
    }
    send(new ProducerRecord<>(options.resultsTopic(), null, key, value, headers));
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

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        completeAndCommit();
      } finally {
        partitions.forEach(offsets::remove);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      long n = executed.catchUp(options.startupTimeout());
      LOG.debug("assigned {}; read {} new results", partitions, n);
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
    return new Stats(commandsRead.sum(), executedCount.sum(), alreadyExecuted.sum(), Map.copyOf(o),
        revokeFailedAlerts.sum(), deadLettered.sum(), ttr);
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
   * Stops {@link #run()}: running revokes get up to {@code closeTimeout} to finish, and what finished
   * is committed. Safe from any thread, more than once, and before {@link #run()}. The revoker is
   * not closed.
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
      if (!stopped.await(options.closeTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("revoke service {} still running after {}", clientId, options.closeTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeClients() {
    executor.shutdown(Duration.ofSeconds(1));
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
    alertSerializer.close();
  }
}
