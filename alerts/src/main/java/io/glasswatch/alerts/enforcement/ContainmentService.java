package io.glasswatch.alerts.enforcement;

import io.glasswatch.alerts.kafka.DeadLetters;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.alerts.kafka.KeyLog;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertPolicy;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.kafka.OffsetTracker;
import io.glasswatch.kafka.ServiceRun;
import io.glasswatch.kafka.TrackedConsumer;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.ContainCommand;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the sessions a violation leaves behind, confirms it, and cleans up: the containment service
 * (consumer group {@value #GROUP_ID}).
 *
 * <p>Inputs: {@code contain-commands} (explicit commands, e.g. from {@code glasswatch revoke}); final
 * results on {@code revoke-results} (a {@code CONFIRMED} or {@code ALREADY_ABSENT} revoke with trigger
 * {@code alert} or {@code manual} becomes command {@code contain:<revoke command id>} for the same
 * permission set and principal, sessions issued before now denied); {@code alerts}
 * ({@code EMERGENCY_ROLE_WITHOUT_REQUEST}: command {@code contain:<alertId>:<role name>} for every
 * policy-listed emergency role of the account; {@code SESSION_OUTLIVED_GRANT}: the request's assignment
 * learnt from revoke results, else the account's emergency roles). The {@link ContainmentPolicy} decides
 * whether each goes ahead; a skipped one is a {@code DISABLED} result with a timeline entry.
 *
 * <p>Rule: executing a {@code commandId} twice has the effect of executing it once (the commands with a
 * result on the compacted {@code contain-results} are read back at start-up and skipped). Crash safety: the
 * offset of a record that asks for containments (a command, a revoke result, an alert) is committed only
 * once every containment it asked for has its final result on {@code contain-results} ({@link TrackedConsumer});
 * a containment cut short by {@link #close()} records no result, so the next owner of the partition reads
 * the record again and runs it. Commands for the
 * same permission set or role run one after another ({@link KeyedExecutor}), different ones in parallel.
 * Each step is a progress record on {@code revoke-results} (key {@code <commandId>/<n>}, outcome
 * {@code IN_PROGRESS}, step {@code contain_*} with a {@code message}) that the streams app files in the
 * request's timeline and the on-call dispatcher announces ("sessions contained in 2.1 s"). The final
 * outcome goes to {@code contain-results} (key {@code commandId}).
 *
 * <p>{@code CONTAINMENT_FAILED} (critical, once per command, alert id
 * {@code deterministicId("CONTAINMENT_FAILED", commandId)}): the containment is not confirmed within the
 * policy's {@code revokeDeadline} for the account, fails, or — from the CloudTrail watch
 * ({@link SessionWatch}) — a contained session makes a successful call after the containment was
 * confirmed. The watch reads {@code cloudtrail-events} in its own consumer group
 * ({@code <groupId>-cloudtrail}) and commits only records it has judged, so after a restart it resumes
 * where it stopped and judges the records that arrived meanwhile; on its first start it begins at the
 * earliest deny time of the containments still watched ({@code offsetsForTimes}), else at the end.
 *
 * <p>Clean-up: a CONTAINED result carries {@code cleanupAfter} (deniedBefore + the longest session); once
 * the wall clock passes it the statement is removed ({@link SessionContainer#cleanUp}) and
 * {@code <commandId>/cleanup} is written. Pending clean-ups are rebuilt from {@code contain-results} at
 * start-up, so a restart forgets none; a failed clean-up is tried again after {@code cleanupRetry}.
 *
 * <p>Parts: {@link ContainCommands} (which commands the inputs ask for), {@link SessionContainer} (one
 * containment and its clean-up), {@link SessionWatch} (the CloudTrail rule), {@link ContainOutputs} (every
 * write); this class is the consumer loop, the CloudTrail watch thread, the clean-up schedule and the
 * public {@link Options} and {@link Stats} records, which take it past 600 lines.
 */
public final class ContainmentService implements Runnable, AutoCloseable {
  /** Consumer group. */
  public static final String GROUP_ID = "glasswatch-containment";
  private static final Logger LOG = LoggerFactory.getLogger(ContainmentService.class);

  /**
   * Topics, group and timing.
   *
   * @param commandsTopic {@code contain-commands}
   * @param resultsTopic {@code contain-results}
   * @param revokeResultsTopic {@code revoke-results} (read for revokes, written with progress records)
   * @param alertsTopic {@code alerts} (read, and written with CONTAINMENT_FAILED)
   * @param cloudTrailTopic {@code cloudtrail-events}
   * @param deadLetterTopic {@code dead-letter}
   * @param groupId consumer group
   * @param parallelism containments at once, 1-64
   * @param pollTimeout longest poll
   * @param startupTimeout bound for reading {@code contain-results} at start
   * @param cleanupRetry wait after a failed clean-up
   * @param closeTimeout how long {@link #close()} waits for running containments (30 s); what has not finished
   *     then records no result and runs again at the next start
   */
  public record Options(String commandsTopic, String resultsTopic, String revokeResultsTopic, String alertsTopic,
      String cloudTrailTopic, String deadLetterTopic, String groupId, int parallelism, Duration pollTimeout,
      Duration startupTimeout, Duration cleanupRetry, Duration closeTimeout) {
    /** Validates. */
    public Options {
      for (String s : List.of(commandsTopic, resultsTopic, revokeResultsTopic, alertsTopic, cloudTrailTopic,
          deadLetterTopic, groupId)) {
        if (s.isBlank()) {
          throw new IllegalArgumentException("topic names and group id must not be blank");
        }
      }
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("parallelism must be 1-64");
      }
      if (closeTimeout == null || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must not be negative");
      }
    }

    /**
     * Options with the 30 s close timeout.
     *
     * @param commandsTopic {@code contain-commands}
     * @param resultsTopic {@code contain-results}
     * @param revokeResultsTopic {@code revoke-results}
     * @param alertsTopic {@code alerts}
     * @param cloudTrailTopic {@code cloudtrail-events}
     * @param deadLetterTopic {@code dead-letter}
     * @param groupId consumer group
     * @param parallelism containments at once, 1-64
     * @param pollTimeout longest poll
     * @param startupTimeout bound for reading {@code contain-results} at start
     * @param cleanupRetry wait after a failed clean-up
     */
    public Options(String commandsTopic, String resultsTopic, String revokeResultsTopic, String alertsTopic,
        String cloudTrailTopic, String deadLetterTopic, String groupId, int parallelism, Duration pollTimeout,
        Duration startupTimeout, Duration cleanupRetry) {
      this(commandsTopic, resultsTopic, revokeResultsTopic, alertsTopic, cloudTrailTopic, deadLetterTopic, groupId,
          parallelism, pollTimeout, startupTimeout, cleanupRetry, Duration.ofSeconds(30));
    }

    /**
     * A copy with another close timeout.
     *
     * @param timeout how long {@link #close()} waits for running containments
     * @return the copy
     */
    public Options withCloseTimeout(Duration timeout) {
      return new Options(commandsTopic, resultsTopic, revokeResultsTopic, alertsTopic, cloudTrailTopic, deadLetterTopic,
          groupId, parallelism, pollTimeout, startupTimeout, cleanupRetry, timeout);
    }

    /**
     * The consumer group of the CloudTrail watch.
     *
     * @return {@code <groupId>-cloudtrail}
     */
    public String watchGroupId() {
      return groupId + "-cloudtrail";
    }

    /**
     * Production options.
     *
     * @return the standard topics and group, 8 at once, poll 200 ms, start-up 60 s, clean-up retry 1 min
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
      return new Options(topics.name(Topics.CONTAIN_COMMANDS), topics.name(Topics.CONTAIN_RESULTS),
          topics.name(Topics.REVOKE_RESULTS), topics.name(Topics.ALERTS), topics.name(Topics.CLOUDTRAIL_EVENTS),
          topics.name(Topics.DEAD_LETTER), topics.group(GROUP_ID), 8, Duration.ofMillis(200), Duration.ofSeconds(60),
          Duration.ofMinutes(1));
    }

    /**
     * A copy with every topic prefixed (tests, benchmarks).
     *
     * @param prefix the prefix
     * @param group the consumer group
     * @return the copy
     */
    public Options prefixed(String prefix, String group) {
      return new Options(prefix + commandsTopic, prefix + resultsTopic, prefix + revokeResultsTopic, prefix + alertsTopic,
          prefix + cloudTrailTopic, prefix + deadLetterTopic, group, parallelism, pollTimeout, startupTimeout,
          cleanupRetry, closeTimeout);
    }
  }

  /**
   * Counts since creation.
   *
   * @param contained CONTAINED results written
   * @param failed FAILED results written
   * @param skipped DISABLED results (the policy said no)
   * @param cleanedUp clean-ups done
   * @param containmentFailedAlerts CONTAINMENT_FAILED alerts raised
   * @param denialsSeen containments confirmed by a denied CloudTrail call
   * @param timeToContainMillis statistics over CONTAINED results
   */
  public record Stats(long contained, long failed, long skipped, long cleanedUp, long containmentFailedAlerts,
      long denialsSeen, LongSummaryStatistics timeToContainMillis) {}

  private final SessionContainer container;
  private final ContainmentPolicy containment;
  private final PolicyAlerts policy;
  private final Options options;
  private final Clock clock;
  private final GlasswatchSettings settings;
  private final String clientId;
  private final TrackedConsumer<String, byte[]> consumer;
  private final KafkaConsumer<String, byte[]> trail;
  private final ContainOutputs outputs;
  private final Deserializer<ContainCommand> commands;
  private final Deserializer<ContainResult> results;
  private final Deserializer<RevokeResult> revokeResults;
  private final Deserializer<Alert> alerts;
  private final Deserializer<CloudTrailEvent> trailEvents;
  private final KeyedExecutor executor;
  private final SessionWatch watch = new SessionWatch();
  private final Queue<ContainResult> toWatch = new ConcurrentLinkedQueue<>();
  private final Map<String, ContainResult> pendingCleanups = new ConcurrentHashMap<>();
  private final Map<String, Instant> cleanupNotBefore = new ConcurrentHashMap<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<ContainResult>> inFlight = new HashMap<>();
  private final Set<String> alerted = ConcurrentHashMap.newKeySet();
  private final Map<String, AccountAssignment> assignmentByRequest = new ConcurrentHashMap<>();
  private final Map<String, String> alertTypeById = new ConcurrentHashMap<>();
  private final ServiceRun life = new ServiceRun("ContainmentService");
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

  /** A containment that ended: with its result written ({@code recorded}), or cut short. */
  private record Finished(String commandId, boolean recorded) {}
  private final LongAdder contained = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder cleanedUp = new LongAdder();
  private final LongAdder failedAlerts = new LongAdder();
  private final LongAdder denials = new LongAdder();
  private final LongSummaryStatistics timeToContain = new LongSummaryStatistics();
  private KeyLog executed;
  private Thread watcher;

  /**
   * A service; Kafka clients are created here, nothing is read before {@link #run()}.
   *
   * @param settings Kafka and registry
   * @param container executes containments; not closed here
   * @param containment which violations contain
   * @param policy CONTAINMENT_FAILED overrides and revoke deadlines per account
   * @param options topics and timing
   * @param clock wall clock (clean-up times)
   */
  public ContainmentService(GlasswatchSettings settings, SessionContainer container, ContainmentPolicy containment,
      PolicyAlerts policy, Options options, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.container = Objects.requireNonNull(container, "container");
    this.containment = Objects.requireNonNull(containment, "containment");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.clientId = options.groupId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    this.commands = serdes.value(ContainCommand.class).deserializer();
    this.results = serdes.value(ContainResult.class).deserializer();
    this.revokeResults = serdes.value(RevokeResult.class).deserializer();
    this.alerts = serdes.value(Alert.class).deserializer();
    this.trailEvents = serdes.value(CloudTrailEvent.class).deserializer();
    this.consumer = new TrackedConsumer<>(new KafkaConsumer<>(KafkaClients.groupConsumer(settings, options.groupId(),
        clientId), new StringDeserializer(), new ByteArrayDeserializer()), new Rebalance(),
        "containment service " + clientId, () -> failure.get() == null);
    this.trail = new KafkaConsumer<>(KafkaClients.groupConsumer(settings, options.watchGroupId(), clientId + "-trail"),
        new StringDeserializer(), new ByteArrayDeserializer());
    this.outputs = new ContainOutputs(settings, serdes, options, clientId, clock);
    this.executor = new KeyedExecutor(options.parallelism(), clientId + "-worker");
  }

  /**
   * The id of the CONTAINMENT_FAILED alert of a command.
   *
   * @param commandId the command
   * @return the deterministic id
   */
  public static String containmentFailedAlertId(String commandId) {
    return Hashing.deterministicId(AlertType.CONTAINMENT_FAILED.name(), commandId);
  }

  /**
   * Reads back {@code contain-results}, starts the CloudTrail watch, then consumes until {@link #close()}.
   *
   * @throws IllegalStateException when called twice, or when a result cannot be written
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
      LOG.info("containment service {}: {} results known, {} clean-ups pending, container {}", clientId,
          executed.size(), pendingCleanups.size(), container);
      startWatch();
      consumer.subscribe(List.of(options.commandsTopic(), options.revokeResultsTopic(), options.alertsTopic()));
      while (!life.closing()) {
        consumer.poll(options.pollTimeout(), this::accept);
        dueCleanups();
        commit();
      }
    } catch (WakeupException e) {
      if (!life.closing()) {
        throw e;
      }
    } finally {
      shutdown();
    }
  }

  /** Learns a result read back: executed commands, pending clean-ups, watches. */
  private void learn(String key, byte[] value) {
    try {
      ContainResult r = results.deserialize(options.resultsTopic(), value);
      if (r == null) {
        return;
      }
      if (key.endsWith("/cleanup")) {
        if ("CLEANED_UP".equals(r.getOutcome())) {
          pendingCleanups.remove(r.getCommandId());
          watch.forget(r.getCommandId());
        }
      } else if ("CONTAINED".equals(r.getOutcome()) && !executed.contains(r.getCommandId() + "/cleanup")) {
        pendingCleanups.put(r.getCommandId(), r);
        toWatch.add(r);
      }
      if (r.getContainmentFailedAlertId() != null) {
        alerted.add(r.getCommandId());
      }
    } catch (RuntimeException e) {
      LOG.warn("unreadable contain result {} in {}: {}", key, options.resultsTopic(), e.toString());
    }
  }

  /**
   * Poll thread: the containments a record asks for are started (or joined, when the same command runs
   * already); its ticket is acknowledged once every one of them has its final result.
   */
  private void accept(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket) {
    List<ContainCommand> asked;
    try {
      asked = toCommands(record);
    } catch (RuntimeException e) {
      LOG.error("unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      if (record.topic().equals(options.commandsTopic())) {
        outputs.send(DeadLetters.of(record, options.deadLetterTopic(), "cannot read contain command: " + e.getMessage(),
            e.getClass().getName()));
      }
      consumer.ack(ticket);
      return;
    }
    List<CompletableFuture<ContainResult>> work = new ArrayList<>();
    for (ContainCommand c : asked) {
      if (executed.contains(c.getCommandId())) {
        LOG.debug("contain command {} already executed; skipped", c.getCommandId());
      } else {
        work.add(inFlight.computeIfAbsent(c.getCommandId(), id -> start(c)));
      }
    }
    if (work.isEmpty()) {
      consumer.ack(ticket);
      return;
    }
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> {
      if (e == null) {
        consumer.ack(ticket);
      } else if (!life.closing()) {
        failure.compareAndSet(null, new IllegalStateException("a containment asked for by " + record.topic() + "-"
            + record.partition() + "@" + record.offset() + " has no recorded result: " + e, e));
      }
    });
  }

  /** Poll thread: runs a containment; on the poll thread again once it has its result, it is executed. */
  private CompletableFuture<ContainResult> start(ContainCommand c) {
    String id = c.getCommandId();
    running.add(id);
    return executor.submit(SessionContainer.laneKey(c), () -> execute(c)).whenComplete((r, e) -> {
      if (e != null && life.closing()) {
        LOG.info("containment {} cut short by close; it runs again at the next start", id);
      }
      finished.add(new Finished(id, e == null));
    });
  }

  /** The commands a record asks for (none, one, or one per emergency role). */
  private List<ContainCommand> toCommands(ConsumerRecord<String, byte[]> record) {
    String topic = record.topic();
    if (topic.equals(options.commandsTopic())) {
      ContainCommand c = commands.deserialize(topic, record.headers(), record.value());
      return c == null ? List.of() : List.of(c);
    }
    if (topic.equals(options.revokeResultsTopic())) {
      RevokeResult r = revokeResults.deserialize(topic, record.headers(), record.value());
      if (r == null || r.getStep() != null || r.getAssignment() == null) {
        return List.of();
      }
      if (r.getRequestId() != null) {
        assignmentByRequest.put(r.getRequestId(), r.getAssignment());
      }
      ContainCommand c = ContainCommands.afterRevoke(r, r.getAlertId() == null ? null : alertTypeById.get(r.getAlertId()),
          clock.instant());
      return c == null ? List.of() : List.of(c);
    }
    Alert a = alerts.deserialize(topic, record.headers(), record.value());
    if (a == null) {
      return List.of();
    }
    alertTypeById.put(a.getAlertId(), a.getAlertType());
    if (!ContainmentPolicy.SESSION_TYPES.contains(a.getAlertType()) || a.getAccountId() == null) {
      return List.of();
    }
    return fromSessionAlert(a).stream().filter(Objects::nonNull).toList();
  }

  /** Commands of an EMERGENCY_ROLE_WITHOUT_REQUEST or SESSION_OUTLIVED_GRANT alert. */
  private List<ContainCommand> fromSessionAlert(Alert a) {
    return ContainCommands.forSessionAlert(a, a.getRequestId() == null ? null : assignmentByRequest.get(a.getRequestId()),
        containment.emergencyRolesIn(a.getAccountId()), clock.instant());
  }

  /** Worker thread: policy check, containment with progress, result, alerts. */
  private ContainResult execute(ContainCommand c) {
    AtomicInteger seq = new AtomicInteger();
    Instant start = clock.instant();
    if (!allowed(c)) {
      progress(c, seq.incrementAndGet(), SessionContainer.STEP_SKIPPED, "Containment of " + SessionContainer.describe(c)
          + " skipped: the policy's containment section does not contain " + (c.getAlertType() == null ? c.getTrigger()
          : c.getAlertType()) + " on account " + c.getAccountId(), start);
      ContainResult r = container.resultOf(c, "DISABLED", start).setFailureReason("containment policy").build();
      write(c.getCommandId(), r);
      skipped.increment();
      return r;
    }
    if (c.getAssignment() == null && c.getRoleArn() == null) {
      ContainResult r = container.resultOf(c, "FAILED", start)
          .setFailureReason("no permission set or emergency role is known for this alert's sessions").build();
      finish(c, r, seq, start);
      return r;
    }
    Duration deadline = policy.revokeDeadline(c.getAccountId());
    ContainResult r = container.contain(c, deadline, (step, message) -> {
      String alertId = null;
      if (SessionContainer.STEP_DEADLINE_MISSED.equals(step)) {
        alertId = raise(c, "not confirmed within " + deadline.toMillis() / 1000.0 + " s: " + message, List.of());
      }
      progress(c, seq.incrementAndGet(), step, message, start, alertId);
    });
    if (life.closing() && "FAILED".equals(r.getOutcome())) {
      // cut short by close (interrupted, clients closing): no result, so the next owner runs it again
      throw new CancellationException("containment " + c.getCommandId() + " cut short by close: " + r.getFailureReason());
    }
    finish(c, r, seq, start);
    return r;
  }

  /**
   * Whether the policy contains this command: a revoke of unknown alert type (the alert was not seen
   * here) contains when containment is on for the account, since only revoking types revoke.
   */
  private boolean allowed(ContainCommand c) {
    return switch (c.getTrigger()) {
      case "manual" -> containment.contains(c.getAccountId(), "manual", null);
      case "revoke" -> c.getAlertType() == null ? containment.enabledFor(c.getAccountId())
          : containment.contains(c.getAccountId(), "alert", c.getAlertType());
      default -> containment.contains(c.getAccountId(), "alert", c.getAlertType());
    };
  }

  private void finish(ContainCommand c, ContainResult r, AtomicInteger seq, Instant start) {
    ContainResult.Builder b = ContainResult.newBuilder(r);
    if ("CONTAINED".equals(r.getOutcome())) {
      contained.increment();
      synchronized (timeToContain) {
        timeToContain.accept(r.getTimeToContainMillis());
      }
      progress(c, seq.incrementAndGet(), SessionContainer.STEP_CONTAINED, String.format(java.util.Locale.ROOT,
          "Sessions contained in %.1f s: %s denied for sessions issued before %s; statement %s read back%s; removed after %s",
          r.getTimeToContainMillis() / 1000.0, SessionContainer.describe(c), r.getDeniedBefore(), r.getStatementSid(),
          r.getProvisioningRequestId() == null ? "" : ", provisioning " + r.getProvisioningRequestId() + " SUCCEEDED",
          r.getCleanupAfter()), start);
      if (alerted.contains(c.getCommandId())) {
        b.setContainmentFailedAlertId(containmentFailedAlertId(c.getCommandId()));
      }
    } else if ("TARGET_ABSENT".equals(r.getOutcome())) {
      progress(c, seq.incrementAndGet(), SessionContainer.STEP_TARGET_ABSENT, "Nothing to contain for "
          + SessionContainer.describe(c) + ": " + r.getFailureReason() + " (without it no session of it works)", start);
    } else if ("FAILED".equals(r.getOutcome())) {
      failed.increment();
      String alertId = raise(c, "failed: " + r.getFailureReason(), List.of());
      b.setContainmentFailedAlertId(alertId);
      progress(c, seq.incrementAndGet(), SessionContainer.STEP_FAILED, "Containment of " + SessionContainer.describe(c)
          + " FAILED: " + r.getFailureReason(), start, alertId);
    }
    ContainResult out = b.build();
    write(c.getCommandId(), out);
    if ("CONTAINED".equals(out.getOutcome())) {
      pendingCleanups.put(out.getCommandId(), out);
      toWatch.add(out);
    }
  }

  /** Raises CONTAINMENT_FAILED once per command; returns its id. */
  private String raise(ContainCommand c, String what, List<String> evidence) {
    String id = containmentFailedAlertId(c.getCommandId());
    if (!alerted.add(c.getCommandId())) {
      return id;
    }
    AlertPolicy p = policy.alert(AlertType.CONTAINMENT_FAILED, c.getAccountId(), null);
    Instant now = clock.instant();
    Alert alert = Alert.newBuilder().setAlertId(id).setAlertType(AlertType.CONTAINMENT_FAILED.name())
        .setSeverity(p.severity().wireName()).setCorrelationId(c.getCorrelationId()).setRequestId(c.getRequestId())
        .setAccountId(c.getAccountId()).setSubject(c.getSessionName())
        .setEvidence(evidence.isEmpty() ? List.of(c.getCommandId()) : evidence)
        .setDetectedAt(now).setEventTime(now)
        .setSummary("Containment " + c.getCommandId() + " of " + SessionContainer.describe(c) + " " + what + ".")
        .setRunbook(p.runbook()).setActions(p.actions().stream().map(Action::wireName).sorted().toList())
        .setRevokedRequestIds(List.of()).build();
    outputs.alert(alert);
    failedAlerts.increment();
    LOG.error("CONTAINMENT_FAILED {} raised for containment {}: {}", id, c.getCommandId(), what);
    return id;
  }

  private void progress(ContainCommand c, int seq, String step, String message, Instant start) {
    outputs.progress(c, seq, step, message, start, null);
  }

  private void progress(ContainCommand c, int seq, String step, String message, Instant start, String alertId) {
    outputs.progress(c, seq, step, message, start, alertId);
  }

  private void write(String key, ContainResult r) {
    outputs.result(key, r);
  }

  /** Poll thread: submits the clean-ups whose time has come. */
  private void dueCleanups() {
    Instant now = clock.instant();
    for (ContainResult r : List.copyOf(pendingCleanups.values())) {
      String key = r.getCommandId() + "/cleanup";
      if (r.getCleanupAfter() == null || now.isBefore(r.getCleanupAfter()) || running.contains(key)
          || now.isBefore(cleanupNotBefore.getOrDefault(key, Instant.EPOCH))) {
        continue;
      }
      running.add(key);
      ContainCommand c = ContainCommands.of(r);
      executor.submit(SessionContainer.laneKey(c), () -> {
        ContainResult out = container.cleanUp(r, SessionContainer.Listener.NONE);
        Instant at = clock.instant();
        if ("CLEANED_UP".equals(out.getOutcome())) {
          progress(c, 900, SessionContainer.STEP_CLEANED_UP, "Deny statement " + r.getStatementSid() + " removed from "
              + r.getTargetArn() + ": no session issued before " + r.getDeniedBefore() + " can still be valid (after "
              + r.getCleanupAfter() + ")", at);
          write(key, out);
          pendingCleanups.remove(r.getCommandId());
          cleanedUp.increment();
        } else {
          progress(c, 901, SessionContainer.STEP_CLEANUP_FAILED, "Removing deny statement " + r.getStatementSid()
              + " failed: " + out.getFailureReason() + "; tried again in " + options.cleanupRetry().toSeconds() + " s", at);
          cleanupNotBefore.put(key, at.plus(options.cleanupRetry()));
        }
        return out;
      }).whenComplete((x, e) -> running.remove(key));
    }
  }

  /**
   * The CloudTrail watch, on its own thread: its own consumer group ({@link Options#watchGroupId()}), resumed
   * from its committed offsets; partitions without one start at {@link #watchStart}. Offsets are committed
   * after each polled batch has been judged and its verdicts written.
   */
  private void startWatch() {
    List<TopicPartition> parts = trail.partitionsFor(options.cloudTrailTopic(), Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    trail.assign(parts);
    Map<TopicPartition, OffsetAndMetadata> committed = trail.committed(Set.copyOf(parts), Duration.ofSeconds(30));
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition tp : parts) {
      OffsetAndMetadata om = committed.get(tp);
      if (om == null) {
        fresh.add(tp);
      } else {
        trail.seek(tp, om);
      }
    }
    watchStart(fresh);
    parts.forEach(trail::position);
    LOG.info("CloudTrail watch of {}: {} partitions resumed from committed offsets, {} started afresh", clientId,
        parts.size() - fresh.size(), fresh.size());
    watcher = Thread.ofPlatform().name(clientId + "-cloudtrail").daemon().start(this::watchLoop);
  }

  /**
   * First start of the watch on {@code fresh} partitions: at the first record stamped at or after the
   * earliest deny time of the containments still watched (Kafka {@code offsetsForTimes}; none: the end),
   * so a call made after a containment and before this start is judged; without such containments, at the end.
   */
  private void watchStart(List<TopicPartition> fresh) {
    if (fresh.isEmpty()) {
      return;
    }
    Instant from = pendingCleanups.values().stream().map(ContainResult::getDeniedBefore).filter(Objects::nonNull)
        .min(Instant::compareTo).orElse(null);
    if (from == null) {
      trail.seekToEnd(fresh);
      return;
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    fresh.forEach(tp -> query.put(tp, from.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> at = trail.offsetsForTimes(query, Duration.ofSeconds(30));
    List<TopicPartition> none = new ArrayList<>();
    for (TopicPartition tp : fresh) {
      OffsetAndTimestamp o = at.get(tp);
      if (o == null) {
        none.add(tp);
      } else {
        trail.seek(tp, o.offset());
      }
    }
    trail.seekToEnd(none);
    LOG.info("CloudTrail watch of {} starts at {} (earliest deny time watched) on {} partitions", clientId, from,
        fresh.size());
  }

  private void watchLoop() {
    try {
      while (!life.closing()) {
        for (ContainResult r; (r = toWatch.poll()) != null; ) {
          watch.watch(r);
        }
        var records = trail.poll(options.pollTimeout());
        for (ConsumerRecord<String, byte[]> rec : records) {
          CloudTrailEvent e;
          try {
            e = trailEvents.deserialize(rec.topic(), rec.headers(), rec.value());
          } catch (RuntimeException ex) {
            continue; // the streams app dead-letters unreadable CloudTrail records
          }
          if (e != null) {
            for (SessionWatch.Verdict v : watch.judge(e, clock.instant())) {
              verdict(v);
            }
          }
        }
        if (!records.isEmpty()) {
          trail.commitSync();
        }
      }
    } catch (WakeupException e) {
      // closing: every batch polled was judged and committed
    } catch (RuntimeException e) {
      LOG.error("CloudTrail watch of {} stopped: {}", clientId, e.toString());
      failure.compareAndSet(null, e);
    }
  }

  private void verdict(SessionWatch.Verdict v) {
    ContainResult r = v.contained();
    ContainCommand c = ContainCommands.of(r);
    CloudTrailEvent e = v.event();
    Instant at = clock.instant();
    if (v.denied()) {
      denials.increment();
      progress(c, 800, SessionContainer.STEP_SESSION_DENIED, "Containment confirmed from CloudTrail: "
          + e.getEventName() + " by " + e.getUserIdentityArn() + " at " + e.getEventTime() + " was " + e.getErrorCode()
          + " (event " + e.getEventID() + ")", at);
    } else {
      String alertId = raise(c, "did not hold: " + e.getEventName() + " by " + e.getUserIdentityArn() + " succeeded at "
          + e.getEventTime() + ", after the containment was confirmed at " + r.getCompletedAt(), List.of(e.getEventID()));
      progress(c, 801, SessionContainer.STEP_SESSION_SUCCEEDED, "A contained session still works: " + e.getEventName()
          + " by " + e.getUserIdentityArn() + " succeeded at " + e.getEventTime() + " (event " + e.getEventID()
          + "); CONTAINMENT_FAILED " + alertId, at, alertId);
    }
  }

  private void commit() {
    RuntimeException f = failure.get();
    if (f != null) {
      throw f;
    }
    finished();
    consumer.commit();
  }

  /** Poll thread: containments that ended leave the in-flight map; those with a result are executed. */
  private void finished() {
    for (Finished f; (f = finished.poll()) != null; ) {
      if (f.recorded()) {
        executed.add(f.commandId());
      }
      inFlight.remove(f.commandId());
      running.remove(f.commandId());
    }
  }

  /** After an assignment: the results written meanwhile (by a former owner of the partitions) are read. */
  private final class Rebalance implements TrackedConsumer.Hooks {
    @Override
    public void assigned(Collection<TopicPartition> partitions) {
      executed.catchUp(options.startupTimeout(), ContainmentService.this::learn);
    }
  }

  /**
   * Containments waiting for their clean-up, by command id.
   *
   * @return a snapshot
   */
  public Map<String, ContainResult> pendingCleanups() {
    return Map.copyOf(pendingCleanups);
  }

  /**
   * A snapshot of the counts.
   *
   * @return the counts
   */
  public Stats stats() {
    LongSummaryStatistics t = new LongSummaryStatistics();
    synchronized (timeToContain) {
      t.combine(timeToContain);
    }
    return new Stats(contained.sum(), failed.sum(), skipped.sum(), cleanedUp.sum(), failedAlerts.sum(), denials.sum(), t);
  }

  /** On close: waits for running containments (up to closeTimeout), commits what finished, closes. */
  private void shutdown() {
    try {
      if (executed != null) {
        consumer.drain(options.closeTimeout(), () -> failure.get() != null);
      }
    } finally {
      closeClients();
      life.ended();
    }
  }

  private void closeClients() {
    executor.shutdown(Duration.ofSeconds(1));
    if (watcher != null) {
      trail.wakeup();
      try {
        watcher.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    trail.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    consumer.close();
    outputs.close();
    if (executed != null) {
      executed.close();
    }
  }

  /**
   * Stops {@link #run()}; running containments get up to {@code closeTimeout} (30 s), what has not
   * finished then records no result and its trigger stays uncommitted. Safe from any thread, more than once.
   */
  @Override
  public void close() {
    life.close(this::closeClients, consumer::wakeup, options.closeTimeout().plusSeconds(30));
  }

  @Override
  public String toString() {
    return "ContainmentService{" + clientId + ", " + pendingCleanups.size() + " clean-ups pending}";
  }
}
