package io.glasswatch.alerts.enforcement;

import io.glasswatch.alerts.kafka.DeadLetters;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.alerts.kafka.KeyLog;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.kafka.OffsetTracker;
import io.glasswatch.kafka.ServiceRun;
import io.glasswatch.kafka.TrackedConsumer;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
 * timeline entries. When a revoke is not confirmed within the revoker's deadline (the policy's
 * {@code revokeDeadline}), or fails, a {@code REVOKE_FAILED} alert goes to {@code alerts} once per
 * command, and a later confirmation resolves it through {@code alert-resolutions}
 * ({@link RevokeEscalation}). On-call hears of every result ("access revoked", "late revoke",
 * "revoke failed") from the on-call dispatcher, which reads {@code revoke-results}; this service
 * sends no notification itself. A confirmed revoke whose assignment other active grants
 * relied on ({@link OverlappingGrants}) names them in {@code alsoRevokedRequestIds} and writes a
 * CONFIRMED result for each of them too (command id {@code <commandId>/also/<requestId>}), so both
 * grants are recorded as revoked.
 *
 * <p>Parts: {@link RevokeEscalation} (the REVOKE_FAILED rule), {@link RevokeOutputs} (every write),
 * {@link SsoAdminRevoker} (one revoke); this class is the consumer loop and the public
 * {@link Options} and {@link Stats} records, which take it a little past 600 lines.
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
   * @param alertsTopic where REVOKE_FAILED alerts go, normally {@code alerts}
   * @param resolutionsTopic where their resolutions go, normally {@code alert-resolutions}
   */
  public record Options(String commandsTopic, String resultsTopic, String deadLetterTopic, String groupId,
      int parallelism, Duration pollTimeout, Duration startupTimeout, Duration closeTimeout, String alertsTopic,
      String resolutionsTopic) {
    /** Validates: names non-blank, parallelism 1-64, durations positive. */
    public Options {
      for (String s : new String[] {commandsTopic, resultsTopic, deadLetterTopic, groupId, alertsTopic, resolutionsTopic}) {
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
      return defaults(TopicNames.DEFAULT);
    }

    /**
     * The production options for the topics of one instance ({@code kafka.topic-prefix}).
     *
     * @param topics the instance's topic names
     * @return as {@link #defaults()}, every topic and the group with the instance's prefix
     */
    public static Options defaults(TopicNames topics) {
      return new Options(topics.name(Topics.REVOKE_COMMANDS), topics.name(Topics.REVOKE_RESULTS),
          topics.name(Topics.DEAD_LETTER), topics.group(GROUP_ID), 8, Duration.ofMillis(500), Duration.ofSeconds(60),
          Duration.ofSeconds(90), topics.name(Topics.ALERTS), topics.name(Topics.ALERT_RESOLUTIONS));
    }

    /**
     * A copy writing REVOKE_FAILED alerts to another topic.
     *
     * @param alerts the alerts topic
     * @return the copy
     */
    public Options withAlertsTopic(String alerts) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, parallelism, pollTimeout, startupTimeout,
          closeTimeout, alerts, resolutionsTopic);
    }

    /**
     * A copy writing REVOKE_FAILED resolutions to another topic.
     *
     * @param resolutions the alert-resolutions topic
     * @return the copy
     */
    public Options withResolutionsTopic(String resolutions) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, parallelism, pollTimeout, startupTimeout,
          closeTimeout, alertsTopic, resolutions);
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
      return new Options(commands, results, deadLetter, groupId, parallelism, pollTimeout, startupTimeout, closeTimeout, alertsTopic, resolutionsTopic);
    }

    /**
     * A copy in another consumer group.
     *
     * @param group consumer group id
     * @return the copy
     */
    public Options withGroupId(String group) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, group, parallelism, pollTimeout, startupTimeout,
          closeTimeout, alertsTopic, resolutionsTopic);
    }

    /**
     * A copy with another poll timeout.
     *
     * @param poll longest wait of one poll
     * @return the copy
     */
    public Options withPollTimeout(Duration poll) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, parallelism, poll, startupTimeout,
          closeTimeout, alertsTopic, resolutionsTopic);
    }

    /**
     * A copy with another number of workers.
     *
     * @param threads worker threads, 1-64
     * @return the copy
     */
    public Options withParallelism(int threads) {
      return new Options(commandsTopic, resultsTopic, deadLetterTopic, groupId, threads, pollTimeout, startupTimeout,
          closeTimeout, alertsTopic, resolutionsTopic);
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
   * @param revokeFailedResolved REVOKE_FAILED alerts resolved by a later confirmation
   */
  public record Stats(long commandsRead, long executed, long alreadyExecuted, Map<String, Long> outcomes,
      long revokeFailedAlerts, long deadLettered, LongSummaryStatistics timeToRevokeMillis, long revokeFailedResolved) {}

  private final GlasswatchSettings settings;
  private final SsoAdminRevoker revoker;
  private final Options options;
  private final OverlappingGrants overlaps;
  private final RevokeEscalation escalation;
  private final Clock clock;
  private final String clientId;
  private final Deserializer<RevokeCommand> commandDeserializer;
  private final Deserializer<RevokeResult> resultDeserializer;
  private final TrackedConsumer<String, byte[]> consumer;
  private final RevokeOutputs outputs;
  private final KeyedExecutor executor;
  private final ServiceRun life = new ServiceRun("RevokeService");
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private KeyLog executed;

  private final LongAdder commandsRead = new LongAdder();
  private final LongAdder executedCount = new LongAdder();
  private final LongAdder alreadyExecuted = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder revokeFailedAlerts = new LongAdder();
  private final LongAdder revokeFailedResolved = new LongAdder();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongSummaryStatistics timeToRevoke = new LongSummaryStatistics();

  /**
   * A service without overlap lookup.
   *
   * @param settings Kafka bootstrap servers, the Apicurio Registry URL and {@code policy.file}
   * @param revoker executes commands; not closed by this service (its creator owns it)
   * @param options topics, group, parallelism, timing
   */
  public RevokeService(GlasswatchSettings settings, SsoAdminRevoker revoker, Options options) {
    this(settings, revoker, options, OverlappingGrants.NONE, RevokeSettings.from(settings).policy());
  }

  /**
   * A service. Kafka clients are created here; nothing is read before {@link #run()}.
   *
   * @param settings Kafka bootstrap servers and the Apicurio Registry URL
   * @param revoker executes commands; not closed by this service (its creator owns it)
   * @param options topics, group, parallelism, timing
   * @param overlaps other active grants relying on an assignment
   * @param policy the policy file's REVOKE_FAILED overrides ({@link PolicyAlerts#defaults()} for the catalogue's)
   */
  public RevokeService(GlasswatchSettings settings, SsoAdminRevoker revoker, Options options,
      OverlappingGrants overlaps, PolicyAlerts policy) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.revoker = Objects.requireNonNull(revoker, "revoker");
    this.options = Objects.requireNonNull(options, "options");
    this.overlaps = Objects.requireNonNull(overlaps, "overlaps");
    this.escalation = new RevokeEscalation(policy);
    this.clock = Clock.systemUTC();
    this.clientId = options.groupId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    this.commandDeserializer = serdes.value(RevokeCommand.class).deserializer();
    this.resultDeserializer = serdes.value(RevokeResult.class).deserializer();
    this.consumer = new TrackedConsumer<>(new KafkaConsumer<>(KafkaClients.groupConsumer(settings, options.groupId(),
        clientId), new StringDeserializer(), new ByteArrayDeserializer()), new Rebalance(), "revoke service " + clientId,
        () -> failure.get() == null);
    this.outputs = new RevokeOutputs(settings, serdes, options, clientId);
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
    boolean go = life.begin();
    try {
      if (!go) {
        return;
      }
      executed = new KeyLog(settings, options.resultsTopic(), clientId + "-state");
      executed.catchUp(options.startupTimeout(), this::learn);
      LOG.info("revoke service {}: {} commands already have results in {}, {} REVOKE_FAILED alerts open; revoker {}",
          clientId, executed.size(), options.resultsTopic(), escalation.open(), revoker);
      consumer.subscribe(List.of(options.commandsTopic()));
      while (!life.closing()) {
        consumer.poll(options.pollTimeout(), this::accept);
        completeAndCommit();
      }
    } catch (WakeupException e) {
      if (!life.closing()) {
        throw e;
      }
    } finally {
      try {
        drain();
      } finally {
        closeClients();
        life.ended();
      }
    }
  }

  /** On close: waits for running revokes (up to closeTimeout) and commits what finished. */
  private void drain() {
    consumer.drain(options.closeTimeout(), () -> failure.get() != null);
  }

  private void accept(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket) {
    commandsRead.increment();
    RevokeCommand command;
    try {
      command = commandDeserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      LOG.error("unreadable revoke command at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      outputs.send(DeadLetters.of(record, options.deadLetterTopic(), "cannot read revoke command: " + e.getMessage(),
          e.getClass().getName()));
      deadLettered.increment();
      consumer.ack(ticket);
      return;
    }
    if (command == null) {
      consumer.ack(ticket);
      return;
    }
    String id = command.getCommandId();
    if (executed.contains(id) || running.contains(id)) {
      alreadyExecuted.increment();
      LOG.info("revoke command {} already executed; skipped", id);
      consumer.ack(ticket);
      return;
    }
    running.add(id);
    executor.submit(laneKey(command), () -> execute(command)).whenComplete((r, e) -> {
      if (e != null) {
        failure.compareAndSet(null, new IllegalStateException("revoke command " + id + " has no recorded result: "
            + e, e));
        return;
      }
      consumer.ack(ticket, () -> {
        executed.add(id);
        running.remove(id);
      });
    });
  }

  /** Poll thread: applies finished revokes (executed set, offsets) and commits done offset prefixes. */
  private void completeAndCommit() {
    RuntimeException f = failure.get();
    if (f != null) {
      throw f;
    }
    consumer.commit();
  }

  /** The serialization key: commands on the same account and permission set run one after another. */
  static String laneKey(RevokeCommand command) {
    return command.getAssignment() == null ? "-"
        : command.getAssignment().getAccountId() + "|" + command.getAssignment().getPermissionSetArn();
  }

  /**
   * The id of the REVOKE_FAILED alert of a command.
   *
   * @param commandId the command id
   * @return {@code Hashing.deterministicId("REVOKE_FAILED", commandId)}
   */
  public static String revokeFailedAlertId(String commandId) {
    return RevokeEscalation.alertId(commandId);
  }

  /** Learns open REVOKE_FAILED alerts from a result read back at start-up (its resolutions were decided then). */
  private void learn(String key, byte[] value) {
    try {
      RevokeResult r = resultDeserializer.deserialize(options.resultsTopic(), value);
      if (r != null) {
        escalation.learn(r);
      }
    } catch (RuntimeException e) {
      LOG.warn("unreadable revoke result {} in {}: {}", key, options.resultsTopic(), e.toString());
    }
  }

  /** Runs on a worker thread: revoke with progress reports, write the result, resolve what it confirms. */
  private RevokeResult execute(RevokeCommand command) {
    Instant pickedUp = clock.instant();
    AtomicInteger seq = new AtomicInteger();
    AtomicBoolean alerted = new AtomicBoolean();
    progress(command, seq.incrementAndGet(), "command_received", pickedUp, null, null, null);
    RevokeResult result = revoker.revoke(command, (step, p) -> {
      String alertId = null;
      if (SsoAdminRevoker.STEP_DEADLINE_MISSED.equals(step) && alerted.compareAndSet(false, true)) {
        alertId = raiseRevokeFailed(command, "not confirmed within " + revoker.deadlineFor(
            command.getAssignment() == null ? null : command.getAssignment().getAccountId()).toMillis() / 1000.0
            + " s; still trying until " + revoker.options().giveUp().toMinutes() + " min after pick-up", p.describe());
      }
      progress(command, seq.incrementAndGet(), step, pickedUp, p, null, alertId);
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
    outputs.result(command.getCommandId(), result);
    resolve(result);
    for (String other : also) {
      RevokeResult r = RevokeResult.newBuilder(result)
          .setCommandId(command.getCommandId() + "/also/" + other)
          .setRequestId(other)
          .setCorrelationId(other)
          .setAlsoRevokedRequestIds(List.of(command.getRequestId() == null ? command.getCorrelationId()
              : command.getRequestId()))
          .build();
      outputs.result(r.getCommandId(), r);
      resolve(r);
    }
    outcomes.computeIfAbsent(result.getOutcome(), k -> new LongAdder()).increment();
    executedCount.increment();
    if (result.getTimeToRevokeMillis() != null) {
      synchronized (timeToRevoke) {
        timeToRevoke.accept(result.getTimeToRevokeMillis());
      }
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
    outputs.result(command.getCommandId() + "/" + seq, r);
    return r;
  }

  /** Produces the REVOKE_FAILED alert of a command; returns its id. */
  private String raiseRevokeFailed(RevokeCommand command, String what, String tried) {
    Alert alert = escalation.raise(command, what, tried, clock.instant());
    outputs.alert(alert);
    revokeFailedAlerts.increment();
    LOG.error("REVOKE_FAILED {} raised for revoke {}", alert.getAlertId(), command.getCommandId());
    return alert.getAlertId();
  }

  /** Publishes the resolutions a written result decides (a confirmation of a request with open REVOKE_FAILED alerts). */
  private void resolve(RevokeResult result) {
    for (AlertResolution r : escalation.learn(result)) {
      outputs.resolution(r);
      revokeFailedResolved.increment();
      LOG.info("REVOKE_FAILED {} resolved: {}", r.getAlertId(), r.getReason());
    }
  }

  /** After an assignment: the results written meanwhile (by a former owner of the partitions) are read. */
  private final class Rebalance implements TrackedConsumer.Hooks {
    @Override
    public void assigned(java.util.Collection<TopicPartition> partitions) {
      long n = executed.catchUp(options.startupTimeout(), RevokeService.this::learn);
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
        revokeFailedAlerts.sum(), deadLettered.sum(), ttr, revokeFailedResolved.sum());
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
    life.close(this::closeClients, consumer::wakeup, options.closeTimeout().plusSeconds(10));
  }

  private void closeClients() {
    executor.shutdown(Duration.ofSeconds(1));
    consumer.close();
    outputs.close();
    if (executed != null) {
      executed.close();
    }
    commandDeserializer.close();
    resultDeserializer.close();
  }
}
