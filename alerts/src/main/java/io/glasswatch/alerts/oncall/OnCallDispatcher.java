package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.alerts.delivery.AlertJson;
import io.glasswatch.alerts.delivery.DeliveryException;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts, resolutions, enforcement notices, storm digests and storm reports to the on-call
 * channels the {@link Routing} names, exactly once per notice and channel across restarts.
 *
 * <p>Inputs (consumer group {@code glasswatch-alerts}): {@code alerts}; {@code revoke-results}
 * (enforcement notices "access revoked in 1.2 s" / "revoke failed", and resolution of a
 * {@code REVOKE_FAILED} alert once a revoke of its request is {@code CONFIRMED} or
 * {@code ALREADY_ABSENT}: by the result's {@code revokeFailedAlertId} field when the schema has it,
 * else by request id); {@code timeline} (a {@code rotation} entry, or a successful root
 * {@code PasswordUpdated}/{@code ChangePassword}, later than a {@code ROTATION_OVERDUE} alert's
 * event time resolves it for that account).
 *
 * <p>Exactly once: the compacted {@code alert-deliveries} topic holds one record per notice and
 * channel, key {@code <notice key>|<channel>}, value JSON {@code {key, channel, kind, status
 * (delivered, failed, digested, skipped), attempts, alertId, alertType, correlationId, requestId,
 * accountId, eventTime, at}}. It is read to its end at start-up; a (notice, channel) with a record is
 * never sent again. The offset of an input record is committed only after every delivery it caused
 * is recorded (acknowledged by Kafka, {@code acks=all}), so a crash between a send and its record
 * re-sends that notice once, with the same idempotency key ({@code Idempotency-Key} header,
 * PagerDuty {@code dedup_key}, email {@code Message-ID}), and loses nothing.
 *
 * <p>Channels: each has its own queue and thread; a channel that is down delays only itself. After
 * the channel's give-up time ({@link Routing#giveUpAfter()}) the notice goes to the dead-letter topic
 * (raw input bytes, {@link DeadLetterHeaders} plus {@link #CHANNEL_HEADER}) and to the
 * fallback channel, and a {@code failed} record stops it being retried after a restart.
 *
 * <p>Storm control: more than {@link Routing.Storm#threshold()} alerts of one type within
 * {@link Routing.Storm#window()} start a storm: the storm is reported once (key
 * {@code storm:<type>:<start ms>}), further alerts of that type are held and sent as one digest per
 * {@link Routing.Storm#digestInterval()} (their offsets commit when the digest is recorded). The
 * storm ends when a whole window passes at or below the threshold.
 *
 * <p>Delivery events: every attempt and every outcome is written to {@value #EVENTS_TOPIC} (key the
 * correlation id, value JSON {@code {type: attempt|outcome, key, channel, kind, alertId, alertType,
 * correlationId, requestId, accountId, attempt, outcome, detail, millis, at, eventTime}}, {@code eventTime}
 * the alert's event time in epoch milliseconds, absent for notices without an alert) for the timeline:
 * the streams application files each one that has a correlation id in that correlation's hash chain.
 * No secret (webhook URL, routing key, SMTP password) is ever in a record or a log line.
 */
public final class OnCallDispatcher implements Runnable, AutoCloseable {
  /** Consumer group of the dispatcher. */
  public static final String GROUP_ID = "glasswatch-alerts";
  /** The compacted topic of delivery records, key {@code <noticeKey>|<channel>}. */
  public static final String DELIVERIES_TOPIC = Topics.ALERT_DELIVERIES;
  /** Dead-letter header naming the channel a delivery failed on. */
  public static final String CHANNEL_HEADER = "glasswatch.alerts.channel";
  /** Topic of delivery attempts and outcomes (JSON), one record per attempt and per outcome. */
  public static final String EVENTS_TOPIC = Topics.ALERT_DELIVERY_EVENTS;

  private static final Logger LOG = LoggerFactory.getLogger(OnCallDispatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ROTATION_ACTIONS = Set.of("rotation", "PasswordUpdated", "ChangePassword");

  /**
   * Topics, group and timing.
   *
   * @param alertsTopic alerts read
   * @param revokeResultsTopic revoke results read
   * @param timelineTopic timeline read (rotation evidence); blank to not read it
   * @param deliveriesTopic compacted delivery state (created with one partition when absent)
   * @param deadLetterTopic where undeliverable notices go
   * @param eventsTopic delivery attempts and outcomes (created when absent)
   * @param groupId consumer group
   * @param pollTimeout longest wait of one poll (also the storm digest tick)
   * @param startupTimeout bound for creating and reading the delivery-state topic
   * @param closeTimeout how long {@link #close()} waits
   */
  public record Options(String alertsTopic, String revokeResultsTopic, String timelineTopic, String deliveriesTopic,
      String deadLetterTopic, String eventsTopic, String groupId, Duration pollTimeout, Duration startupTimeout,
      Duration closeTimeout) {
    /** Validates: names (but the timeline's) non-blank, durations positive. */
    public Options {
      for (String s : new String[] {alertsTopic, revokeResultsTopic, deliveriesTopic, deadLetterTopic, eventsTopic, groupId}) {
        if (s == null || s.isBlank()) {
          throw new IllegalArgumentException("topic names and group id must not be blank");
        }
      }
      timelineTopic = timelineTopic == null ? "" : timelineTopic;
      for (Duration d : new Duration[] {pollTimeout, startupTimeout, closeTimeout}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("timeouts must be positive");
        }
      }
    }

    /**
     * The production options.
     *
     * @return {@code alerts}, {@code revoke-results}, {@code timeline}, {@code alert-deliveries},
     *     {@code dead-letter}, {@value #EVENTS_TOPIC}, group {@code glasswatch-alerts}; poll 100 ms,
     *     start-up 60 s, close 30 s
     */
    public static Options defaults() {
      return new Options(Topics.ALERTS, Topics.REVOKE_RESULTS, Topics.TIMELINE, Topics.ALERT_DELIVERIES,
          Topics.DEAD_LETTER, EVENTS_TOPIC, GROUP_ID, Duration.ofMillis(100), Duration.ofSeconds(60),
          Duration.ofSeconds(30));
    }

    /**
     * A copy with other topics.
     *
     * @param alerts alerts topic
     * @param results revoke-results topic
     * @param timeline timeline topic, or blank
     * @param deliveries delivery-state topic
     * @param deadLetter dead-letter topic
     * @param events delivery-events topic
     * @return the copy
     */
    public Options withTopics(String alerts, String results, String timeline, String deliveries, String deadLetter,
        String events) {
      return new Options(alerts, results, timeline, deliveries, deadLetter, events, groupId, pollTimeout,
          startupTimeout, closeTimeout);
    }

    /**
     * A copy in another consumer group.
     *
     * @param group the group id
     * @return the copy
     */
    public Options withGroupId(String group) {
      return new Options(alertsTopic, revokeResultsTopic, timelineTopic, deliveriesTopic, deadLetterTopic, eventsTopic,
          group, pollTimeout, startupTimeout, closeTimeout);
    }
  }

  /**
   * Counts since creation.
   *
   * @param recordsRead input records read
   * @param deliveredByChannel successful deliveries per channel
   * @param alreadyDelivered (notice, channel) pairs skipped because a record existed
   * @param failed deliveries given up (each went to the dead-letter topic)
   * @param fallbacks notices sent to the fallback channel
   * @param digests digests sent (per channel)
   * @param storms storms that began
   * @param resolved resolutions raised
   */
  public record Stats(long recordsRead, Map<String, Long> deliveredByChannel, long alreadyDelivered, long failed,
      long fallbacks, long digests, long storms, long resolved) {
    /**
     * Successful deliveries over all channels.
     *
     * @return the sum
     */
    public long delivered() {
      return deliveredByChannel.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** An input record whose offset commits when every delivery it caused is recorded. */
  private static final class Tracked {
    final ConsumerRecord<String, byte[]> record;
    final AtomicInteger remaining = new AtomicInteger(1);

    Tracked(ConsumerRecord<String, byte[]> record) {
      this.record = record;
    }

    void done() {
      remaining.decrementAndGet();
    }
  }

  /** Storm state of one alert type (dispatcher thread only). */
  private static final class StormState {
    final Deque<Long> arrivals = new ArrayDeque<>();
    boolean active;
    long startedAt;
    long nextDigestAt;
    final List<Alert> held = new ArrayList<>();
    final List<Tracked> heldTracked = new ArrayList<>();
    final Set<String> heldChannels = new LinkedHashSet<>();
  }

  /** An alert whose violation can be resolved later. */
  private record Open(String alertId, String alertType, String accountId, String requestId, long eventTime,
      Set<String> channels, String correlationId) {}

  private final GlasswatchSettings settings;
  private final Map<String, NoticeChannel> channels = new LinkedHashMap<>();
  private final Map<String, ExecutorService> workers = new LinkedHashMap<>();
  private final Routing routing;
  private final Options options;
  private final Deserializer<Alert> alertDeserializer;
  private final Deserializer<RevokeResult> resultDeserializer;
  private final Deserializer<TimelineEntry> timelineDeserializer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final String clientId;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Map<TopicPartition, Deque<Tracked>> inFlight = new HashMap<>();
  private final Map<String, StormState> storms = new HashMap<>();
  private final Map<String, Open> open = new ConcurrentHashMap<>();
  private DeliveryLog log;

  private final LongAdder recordsRead = new LongAdder();
  private final Map<String, LongAdder> delivered = new ConcurrentHashMap<>();
  private final LongAdder alreadyDelivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder digests = new LongAdder();
  private final LongAdder stormCount = new LongAdder();
  private final LongAdder resolved = new LongAdder();

  /**
   * A dispatcher; Kafka clients are created here, nothing is read before {@link #run()}.
   *
   * @param settings Kafka bootstrap servers and Apicurio Registry URL
   * @param channels the configured channels; names distinct, without {@code |}
   * @param routing the routing; channels it names that are not configured are skipped (logged once)
   * @param options topics, group and timing
   * @throws IllegalArgumentException when no channel is given or names clash
   */
  public OnCallDispatcher(GlasswatchSettings settings, List<NoticeChannel> channels, Routing routing, Options options) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.routing = Objects.requireNonNull(routing, "routing");
    this.options = Objects.requireNonNull(options, "options");
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("at least one channel is required");
    }
    for (NoticeChannel c : channels) {
      if (c.name().isBlank() || c.name().contains("|") || this.channels.putIfAbsent(c.name(), c) != null) {
        throw new IllegalArgumentException("channel names must be distinct, non-blank and free of '|': " + c.name());
      }
      delivered.put(c.name(), new LongAdder());
    }
    List<String> missing = routing.referencedChannels().stream().filter(n -> !this.channels.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      LOG.warn("the routing names channels that are not configured, which are skipped: {} (configured: {})", missing,
          this.channels.keySet());
    }
    this.clientId = options.groupId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    this.alertDeserializer = serdes.value(Alert.class).deserializer();
    this.resultDeserializer = serdes.value(RevokeResult.class).deserializer();
    this.timelineDeserializer = serdes.value(TimelineEntry.class).deserializer();
    this.consumer = new KafkaConsumer<>(KafkaClients.groupConsumer(settings, options.groupId(), clientId),
        new StringDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(KafkaClients.producer(settings, clientId), new StringSerializer(),
        new ByteArraySerializer());
    this.channels.keySet().forEach(n -> workers.put(n, Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "glasswatch-oncall-" + n);
      t.setDaemon(true);
      return t;
    })));
  }

  /**
   * Reads the delivery state, then consumes and delivers until {@link #close()}. Call once, on a
   * thread of its own.
   *
   * @throws IllegalStateException when called twice, when the state cannot be read within the
   *     start-up timeout, or when a delivery cannot be recorded in Kafka (offsets stay uncommitted)
   */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("OnCallDispatcher.run() may be called once");
    }
    try {
      if (closing.get()) {
        return;
      }
      KafkaClients.ensureTopic(settings, options.deliveriesTopic(), 1, true, options.startupTimeout());
      KafkaClients.ensureTopic(settings, options.eventsTopic(), 1, false, options.startupTimeout());
      log = new DeliveryLog(settings, options.deliveriesTopic(), clientId + "-state");
      log.catchUp(options.startupTimeout(), this::indexOpen);
      LOG.info("on-call dispatcher {}: {} deliveries recorded in {}; channels {}; {} open incidents", clientId,
          log.size(), options.deliveriesTopic(), channels.keySet(), open.size());
      List<String> topics = new ArrayList<>(List.of(options.alertsTopic(), options.revokeResultsTopic()));
      if (!options.timelineTopic().isBlank()) {
        topics.add(options.timelineTopic());
      }
      consumer.subscribe(topics, new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          commitCompleted();
          partitions.forEach(inFlight::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          log.catchUp(options.startupTimeout(), OnCallDispatcher.this::indexOpen);
        }
      });
      while (!closing.get()) {
        RuntimeException f = failure.get();
        if (f != null) {
          throw f;
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(options.pollTimeout());
        for (ConsumerRecord<String, byte[]> record : records) {
          recordsRead.increment();
          Tracked t = new Tracked(record);
          inFlight.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), k -> new ArrayDeque<>()).add(t);
          try {
            process(record, t);
          } finally {
            t.done();
          }
        }
        digestStorms(System.currentTimeMillis());
        commitCompleted();
      }
    } catch (WakeupException e) {
      if (!closing.get()) {
        throw e;
      }
    } finally {
      stopWorkers();
      if (failure.get() == null) {
        try {
          commitCompleted();
        } catch (RuntimeException e) {
          LOG.debug("final commit: {}", e.toString());
        }
      }
      closeClients();
      stopped.countDown();
    }
  }

  private void commitCompleted() {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (Map.Entry<TopicPartition, Deque<Tracked>> e : inFlight.entrySet()) {
      Deque<Tracked> q = e.getValue();
      Tracked last = null;
      while (!q.isEmpty() && q.peekFirst().remaining.get() <= 0) {
        last = q.pollFirst();
      }
      if (last != null) {
        commit.put(e.getKey(), new OffsetAndMetadata(last.record.offset() + 1));
      }
    }
    if (!commit.isEmpty() && failure.get() == null) {
      consumer.commitSync(commit);
    }
  }

  // ---- inputs ----------------------------------------------------------------------------------

  private void process(ConsumerRecord<String, byte[]> record, Tracked t) {
    if (record.value() == null) {
      return;
    }
    String topic = record.topic();
    try {
      if (topic.equals(options.alertsTopic())) {
        Alert a = alertDeserializer.deserialize(topic, record.headers(), record.value());
        if (a != null) {
          onAlert(a, t);
        }
      } else if (topic.equals(options.revokeResultsTopic())) {
        RevokeResult r = resultDeserializer.deserialize(topic, record.headers(), record.value());
        if (r != null) {
          onRevokeResult(r, t);
        }
      } else {
        TimelineEntry e = timelineDeserializer.deserialize(topic, record.headers(), record.value());
        if (e != null) {
          onTimeline(e, t);
        }
      }
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException && failure.get() != null) {
        throw e;
      }
      LOG.error("unreadable record at {}-{}@{}: {}", topic, record.partition(), record.offset(), e.toString());
      if (topic.equals(options.alertsTopic())) {
        deadLetter(record, "cannot read alert: " + e.getMessage(), e.getClass().getName(), null);
      }
    }
  }

  private void onAlert(Alert alert, Tracked t) {
    Notice notice = Notice.of(alert, routing.links());
    List<String> targets = routing.channelsFor(alert.getAlertType(), alert.getSeverity(), alert.getAccountId(),
        alert.getTenant(), Instant.now());
    if (targets.isEmpty()) {
      event("outcome", notice, "-", 0, "skipped", "no channel: quiet hours or an empty route", 0);
      return;
    }
    List<String> pendingTargets = targets.stream().filter(c -> !log.contains(deliveryKey(notice.key(), c))).toList();
    if (pendingTargets.isEmpty()) {
      alreadyDelivered.add(targets.size());
      return;
    }
    if (stormHolds(alert, pendingTargets, t)) {
      return;
    }
    for (String c : targets) {
      submit(notice, c, List.of(t), "delivered");
    }
  }

  private void onRevokeResult(RevokeResult r, Tracked t) {
    String outcome = r.getOutcome();
    String title;
    String summary;
    String severity;
    String type;
    switch (outcome) {
      case "CONFIRMED" -> {
        Long ms = r.getTimeToRevokeMillis();
        title = "Access revoked" + (ms == null ? "" : " in " + String.format(Locale.ROOT, "%.1f s", ms / 1000.0));
        summary = title + " for request " + r.getRequestId() + (r.getAlertId() == null ? "" : " (alert " + r.getAlertId() + ")") + ".";
        severity = "info";
        type = "REVOKE_CONFIRMED";
      }
      case "FAILED" -> {
        title = "Revoke failed";
        summary = "Revoke of request " + r.getRequestId() + " failed" + (r.getFailureReason() == null ? "" : ": " + r.getFailureReason())
            + " after " + r.getAttempts() + " attempt(s).";
        severity = "critical";
        type = "REVOKE_FAILED";
      }
      case "ALREADY_ABSENT" -> {
        title = "Access already absent";
        summary = "The assignment of request " + r.getRequestId() + " was already gone when the revoke ran.";
        severity = "info";
        type = "REVOKE_CONFIRMED";
      }
      default -> {
        title = "Revoke recorded (" + outcome.toLowerCase(Locale.ROOT) + ")";
        summary = "Revoke of request " + r.getRequestId() + " recorded without an AWS call (" + outcome + ").";
        severity = "info";
        type = "REVOKE_" + outcome;
      }
    }
    String account = r.getAssignment() == null ? null : r.getAssignment().getAccountId();
    Notice n = new Notice(Notice.Kind.ENFORCEMENT, "revoke:" + r.getCommandId(), title, summary, severity, type,
        r.getAlertId(), r.getCorrelationId(), r.getRequestId(), account, null, List.of(), null,
        routing.links().timeline(r.getCorrelationId(), r.getRequestId()), r.getCompletedAt(), List.of(), null);
    for (String c : routing.enforcementChannels()) {
      submit(n, c, List.of(t), "delivered");
    }
    if ("CONFIRMED".equals(outcome) || "ALREADY_ABSENT".equals(outcome)) {
      String failedAlertId = revokeFailedAlertId(r);
      for (Open o : List.copyOf(open.values())) {
        boolean match = failedAlertId != null ? o.alertId().equals(failedAlertId)
            : "REVOKE_FAILED".equals(o.alertType()) && r.getRequestId() != null && r.getRequestId().equals(o.requestId())
                && r.getCompletedAt().toEpochMilli() >= o.eventTime();
        if (match && "REVOKE_FAILED".equals(o.alertType())) {
          resolve(o, "A later revoke of request " + r.getRequestId() + " succeeded (" + outcome + ").", t);
        }
      }
    }
  }

  /** The {@code revokeFailedAlertId} of a result, when its schema has that field. */
  private static String revokeFailedAlertId(RevokeResult r) {
    Schema.Field f = r.getSchema().getField("revokeFailedAlertId");
    if (f == null) {
      return null;
    }
    Object v = r.get(f.pos());
    return v == null ? null : v.toString();
  }

  private void onTimeline(TimelineEntry e, Tracked t) {
    if (!ROTATION_ACTIONS.contains(e.getAction()) || e.getAccountId() == null
        || "failure".equals(e.getOutcome())) {
      return;
    }
    for (Open o : List.copyOf(open.values())) {
      if ("ROTATION_OVERDUE".equals(o.alertType()) && e.getAccountId().equals(o.accountId())
          && e.getTimestamp().toEpochMilli() >= o.eventTime()) {
        resolve(o, "The root credentials of account " + o.accountId() + " were rotated (" + e.getAction() + " at "
            + AlertJson.iso(e.getTimestamp()) + ").", t);
      }
    }
  }

  private void resolve(Open o, String summary, Tracked t) {
    open.remove(o.alertId());
    Notice n = new Notice(Notice.Kind.RESOLVED, "resolve:" + o.alertId(), "Resolved: " + o.alertType(), summary, "info",
        o.alertType(), o.alertId(), o.correlationId(), o.requestId(), o.accountId(), null, List.of(), null,
        routing.links().timeline(o.correlationId(), o.requestId()), Instant.now(), List.of(), null);
    resolved.increment();
    for (String c : o.channels()) {
      if (channels.containsKey(c)) {
        submit(n, c, List.of(t), "delivered");
      }
    }
  }

  private void indexOpen(String key, ObjectNode v) {
    String kind = v.path("kind").asText();
    String alertId = v.path("alertId").asText(null);
    if (alertId == null) {
      return;
    }
    if ("RESOLVED".equals(kind)) {
      open.remove(alertId);
      open.put("resolved:" + alertId, new Open("resolved:" + alertId, "", null, null, 0, Set.of(), null));
      return;
    }
    String type = v.path("alertType").asText();
    if (!"ALERT".equals(kind) || !"delivered".equals(v.path("status").asText())
        || !("ROTATION_OVERDUE".equals(type) || "REVOKE_FAILED".equals(type)) || open.containsKey("resolved:" + alertId)) {
      return;
    }
    Open prev = open.get(alertId);
    Set<String> chs = new LinkedHashSet<>(prev == null ? Set.of() : prev.channels());
    chs.add(v.path("channel").asText());
    open.put(alertId, new Open(alertId, type, v.path("accountId").asText(null), v.path("requestId").asText(null),
        v.path("eventTime").asLong(0), Set.copyOf(chs), v.path("correlationId").asText(null)));
  }

  // ---- storm control ---------------------------------------------------------------------------

  private boolean stormHolds(Alert alert, List<String> targets, Tracked t) {
    Routing.Storm cfg = routing.storm();
    if (cfg.threshold() == 0) {
      return false;
    }
    long now = System.currentTimeMillis();
    StormState s = storms.computeIfAbsent(alert.getAlertType(), k -> new StormState());
    s.arrivals.addLast(now);
    while (!s.arrivals.isEmpty() && s.arrivals.peekFirst() < now - cfg.window().toMillis()) {
      s.arrivals.pollFirst();
    }
    if (!s.active && s.arrivals.size() > cfg.threshold()) {
      s.active = true;
      s.startedAt = now;
      s.nextDigestAt = now + cfg.digestInterval().toMillis();
      stormCount.increment();
      Notice storm = new Notice(Notice.Kind.STORM, "storm:" + alert.getAlertType() + ":" + now,
          "Alert storm: " + alert.getAlertType(), alert.getAlertType() + " fired " + s.arrivals.size() + " times within "
              + cfg.window().toSeconds() + " s (threshold " + cfg.threshold() + "); further alerts of this type come as one digest every "
              + cfg.digestInterval().toSeconds() + " s.",
          alert.getSeverity(), alert.getAlertType(), null, null, null, null, null, List.of(),
          routing.links().runbook(alert.getRunbook()), null, Instant.ofEpochMilli(now), List.of(), null);
      LOG.warn("alert storm: {} fired {} times within {}", alert.getAlertType(), s.arrivals.size(), cfg.window());
      for (String c : targets) {
        submit(storm, c, List.of(), "delivered");
      }
    }
    if (!s.active) {
      return false;
    }
    s.held.add(alert);
    t.remaining.incrementAndGet();
    s.heldTracked.add(t);
    s.heldChannels.addAll(targets);
    return true;
  }

  private void digestStorms(long now) {
    Routing.Storm cfg = routing.storm();
    for (Map.Entry<String, StormState> e : storms.entrySet()) {
      StormState s = e.getValue();
      if (!s.active || now < s.nextDigestAt) {
        continue;
      }
      while (!s.arrivals.isEmpty() && s.arrivals.peekFirst() < now - cfg.window().toMillis()) {
        s.arrivals.pollFirst();
      }
      if (!s.held.isEmpty()) {
        List<Alert> grouped = List.copyOf(s.held);
        Alert first = grouped.getFirst();
        Set<String> accounts = new LinkedHashSet<>();
        grouped.forEach(a -> accounts.add(String.valueOf(a.getAccountId())));
        String severity = grouped.stream().anyMatch(a -> "critical".equals(a.getSeverity())) ? "critical" : first.getSeverity();
        Notice digest = new Notice(Notice.Kind.DIGEST, "digest:" + e.getKey() + ":" + first.getAlertId(),
            "Storm digest: " + e.getKey(), grouped.size() + " more " + e.getKey() + " alerts during the storm, accounts "
                + accounts + ".", severity, e.getKey(), null, null, null, accounts.size() == 1 ? first.getAccountId() : null,
            null, List.of(), routing.links().runbook(first.getRunbook()), null, Instant.ofEpochMilli(now), grouped, null);
        List<Tracked> tracked = List.copyOf(s.heldTracked);
        for (String c : s.heldChannels) {
          submit(digest, c, tracked, "delivered");
        }
        tracked.forEach(Tracked::done);
        s.held.clear();
        s.heldTracked.clear();
        s.heldChannels.clear();
      }
      s.nextDigestAt = now + cfg.digestInterval().toMillis();
      if (s.arrivals.size() <= cfg.threshold() && s.held.isEmpty()) {
        s.active = false;
        LOG.info("alert storm of {} ended", e.getKey());
      }
    }
  }

  // ---- delivery --------------------------------------------------------------------------------

  private void submit(Notice notice, String channelName, List<Tracked> tracked, String status) {
    NoticeChannel channel = channels.get(channelName);
    if (channel == null || !channel.supports(notice.kind())) {
      return;
    }
    String key = deliveryKey(notice.key(), channelName);
    if (log.contains(key)) {
      alreadyDelivered.increment();
      return;
    }
    tracked.forEach(t -> t.remaining.incrementAndGet());
    workers.get(channelName).execute(() -> {
      try {
        if (!deliver(notice, channel, key, tracked)) {
          return;
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e instanceof IllegalStateException ise ? ise : new IllegalStateException(e));
        LOG.error("on-call dispatcher stops: {}", e.getMessage());
        consumer.wakeup();
        return;
      }
      tracked.forEach(Tracked::done);
    });
  }

  /** Delivers and records; false when the dispatcher is stopping (left for the next start, offsets uncommitted). */
  private boolean deliver(Notice notice, NoticeChannel channel, String key, List<Tracked> tracked) {
    if (closing.get() || failure.get() != null) {
      return false;
    }
    if (log.contains(key)) {
      alreadyDelivered.increment();
      return true;
    }
    NoticeChannel.AttemptListener listener = (n, outcome, detail, ms) -> event("attempt", notice, channel.name(), n, outcome, detail, ms);
    try {
      int attempts = channel.deliver(notice, listener);
      record(notice, channel.name(), key, "delivered", attempts);
      delivered.get(channel.name()).increment();
      if (notice.kind() == Notice.Kind.DIGEST) {
        digests.increment();
        for (Alert a : notice.grouped()) {
          ObjectNode v = value(Notice.of(a, routing.links()), channel.name(), "digested", attempts);
          v.put("digest", notice.key());
          write(deliveryKey(a.getAlertId(), channel.name()), v);
        }
      }
      event("outcome", notice, channel.name(), attempts, "success", "delivered", 0);
    } catch (DeliveryException e) {
      failed.increment();
      LOG.error("{} {} to {} not delivered: {}", notice.kind(), notice.key(), channel.name(), e.getMessage());
      record(notice, channel.name(), key, "failed", e.attempts());
      event("outcome", notice, channel.name(), e.attempts(), "failure", e.getMessage(), 0);
      deadLetterNotice(notice, tracked, e);
      String fb = routing.fallback();
      if (fb != null && !fb.equals(channel.name()) && channels.containsKey(fb)) {
        fallbacks.increment();
        submit(notice, fb, tracked, "delivered");
      }
    }
    return true;
  }

  private ObjectNode value(Notice notice, String channel, String status, int attempts) {
    ObjectNode v = JSON.createObjectNode();
    v.put("key", notice.key());
    v.put("channel", channel);
    v.put("kind", notice.kind().name());
    v.put("status", status);
    v.put("attempts", attempts);
    v.put("alertId", notice.alertId());
    v.put("alertType", notice.alertType());
    v.put("correlationId", notice.correlationId());
    v.put("requestId", notice.requestId());
    v.put("accountId", notice.accountId());
    v.put("eventTime", notice.alert() == null ? notice.at().toEpochMilli() : notice.alert().getEventTime().toEpochMilli());
    v.put("at", AlertJson.iso(Instant.now()));
    return v;
  }

  private void record(Notice notice, String channel, String key, String status, int attempts) {
    ObjectNode v = value(notice, channel, status, attempts);
    write(key, v);
    if (notice.kind() == Notice.Kind.ALERT) {
      indexOpen(key, v);
    }
  }

  private void write(String key, ObjectNode v) {
    try {
      producer.send(new ProducerRecord<>(options.deliveriesTopic(), key, v.toString().getBytes(StandardCharsets.UTF_8))).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("a delivery could not be recorded in " + options.deliveriesTopic() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording a delivery", e);
    }
    log.put(key, v);
  }

  private void event(String type, Notice n, String channel, int attempt, String outcome, String detail, long ms) {
    ObjectNode v = JSON.createObjectNode();
    v.put("type", type);
    v.put("key", n.key());
    v.put("channel", channel);
    v.put("kind", n.kind().name());
    v.put("alertId", n.alertId());
    v.put("alertType", n.alertType());
    v.put("correlationId", n.correlationId());
    v.put("requestId", n.requestId());
    v.put("accountId", n.accountId());
    v.put("attempt", attempt);
    v.put("outcome", outcome);
    v.put("detail", detail);
    v.put("millis", ms);
    v.put("at", AlertJson.iso(Instant.now()));
    if (n.alert() != null) {
      v.put("eventTime", n.alert().getEventTime().toEpochMilli());
    }
    producer.send(new ProducerRecord<>(options.eventsTopic(), n.correlationId(), v.toString().getBytes(StandardCharsets.UTF_8)),
        (md, ex) -> {
          if (ex != null) {
            LOG.warn("delivery event of {} to {} not written: {}", n.key(), channel, ex.toString());
          }
        });
  }

  private void deadLetterNotice(Notice notice, List<Tracked> tracked, DeliveryException e) {
    byte[] body = notice.alert() != null ? AlertJson.toJsonBytes(notice.alert())
        : noticeJson(notice).toString().getBytes(StandardCharsets.UTF_8);
    ProducerRecord<String, byte[]> dl = new ProducerRecord<>(options.deadLetterTopic(), notice.key(), body);
    if (!tracked.isEmpty()) {
      ConsumerRecord<String, byte[]> src = tracked.getFirst().record;
      DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_TOPIC, src.topic());
      DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_PARTITION, src.partition());
      DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_OFFSET, src.offset());
    }
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.REASON, e.getMessage());
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.EXCEPTION, DeliveryException.class.getName());
    DeadLetterHeaders.put(dl.headers(), CHANNEL_HEADER, e.channel());
    try {
      producer.send(dl).get();
    } catch (java.util.concurrent.ExecutionException ex) {
      throw new IllegalStateException("cannot write to " + options.deadLetterTopic() + ": " + ex.getCause(), ex.getCause());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + options.deadLetterTopic(), ex);
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, String exception, String channel) {
    ProducerRecord<String, byte[]> dl = io.glasswatch.alerts.kafka.DeadLetters.of(record, options.deadLetterTopic(), reason, exception);
    DeadLetterHeaders.put(dl.headers(), CHANNEL_HEADER, channel);
    producer.send(dl);
  }

  /**
   * A notice as JSON (dead-letter value of notices other than alerts).
   *
   * @param n the notice
   * @return {@code {kind, key, title, summary, severity, alertType, alertId, correlationId, requestId,
   *     accountId, at, groupedAlertIds}}
   */
  public static ObjectNode noticeJson(Notice n) {
    ObjectNode v = JSON.createObjectNode();
    v.put("kind", n.kind().name());
    v.put("key", n.key());
    v.put("title", n.title());
    v.put("summary", n.summary());
    v.put("severity", n.severity());
    v.put("alertType", n.alertType());
    v.put("alertId", n.alertId());
    v.put("correlationId", n.correlationId());
    v.put("requestId", n.requestId());
    v.put("accountId", n.accountId());
    v.put("at", AlertJson.iso(n.at()));
    ArrayNode g = v.putArray("groupedAlertIds");
    n.grouped().forEach(a -> g.add(a.getAlertId()));
    return v;
  }

  /**
   * The key of a delivery record.
   *
   * @param noticeKey the notice key (the alert id for alerts)
   * @param channel the channel name
   * @return {@code <noticeKey>|<channel>}, the key of {@value #DELIVERIES_TOPIC}
   */
  public static String deliveryKey(String noticeKey, String channel) {
    return noticeKey + "|" + channel;
  }

  /**
   * A snapshot of the counts; safe from any thread.
   *
   * @return the counts
   */
  public Stats stats() {
    Map<String, Long> per = new LinkedHashMap<>();
    channels.keySet().forEach(c -> per.put(c, delivered.get(c).sum()));
    return new Stats(recordsRead.sum(), Map.copyOf(per), alreadyDelivered.sum(), failed.sum(), fallbacks.sum(),
        digests.sum(), stormCount.sum(), resolved.sum());
  }

  /**
   * The routing applied.
   *
   * @return the routing
   */
  public Routing routing() {
    return routing;
  }

  private void stopWorkers() {
    workers.values().forEach(ExecutorService::shutdown);
    long deadline = System.nanoTime() + options.closeTimeout().toNanos();
    for (ExecutorService w : workers.values()) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !w.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          w.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        w.shutdownNow();
      }
    }
  }

  /**
   * Stops: deliveries under way finish (up to {@code closeTimeout}), queued ones are left for the
   * next start (their offsets stay uncommitted), completed offsets are committed, clients closed.
   * Channels are closed too. Safe from any thread, more than once, and before {@link #run()}.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    if (started.compareAndSet(false, true)) {
      workers.values().forEach(ExecutorService::shutdownNow);
      closeClients();
      stopped.countDown();
    } else {
      consumer.wakeup();
      try {
        if (!stopped.await(options.closeTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS)) {
          LOG.warn("on-call dispatcher {} did not stop within {}", clientId, options.closeTimeout());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    channels.values().forEach(NoticeChannel::close);
  }

  private void closeClients() {
    try {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      LOG.debug("closing consumer: {}", e.toString());
    }
    producer.close(Duration.ofSeconds(5));
    if (log != null) {
      log.close();
    }
    alertDeserializer.close();
    resultDeserializer.close();
    timelineDeserializer.close();
  }
}
