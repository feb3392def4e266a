package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.kafka.OffsetTracker;
import io.glasswatch.kafka.ServiceRun;
import io.glasswatch.kafka.TrackedConsumer;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertDeliveryEvent;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
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
 * channels the {@link Routing} names, exactly once per notice and channel across restarts. It decides
 * nothing about alerts itself: it delivers what the rules decided.
 *
 * <p>Inputs (consumer group {@code glasswatch-alerts}): {@code alerts}; {@code alert-resolutions}
 * ({@link AlertResolution}: the rule that raised an alert decided it no longer stands, e.g. the root
 * credentials were rotated or a failed revoke was confirmed; the resolution goes to every channel
 * the alert was delivered to: a PagerDuty {@code resolve} with the alert's {@code dedup_key}, a
 * resolution message on chat and email, once per channel; a resolution that arrives before its alert
 * was delivered waits for that delivery, up to twice the channels' give-up time, and is then
 * recorded as skipped); {@code revoke-results} (enforcement notices "access revoked in 1.2 s",
 * "revoke failed", "revoke not confirmed in time", {@link Notices#ofRevokeResult}).
 *
 * <p>Exactly once: the compacted {@code alert-deliveries} topic holds one record per notice and
 * channel ({@link DeliveryRecords}). It is read to its end at start-up; a (notice, channel) with a
 * record is never sent again. The offset of an input record is committed only after every delivery
 * it caused is recorded (acknowledged by Kafka, {@code acks=all}; {@link OffsetTracker} with
 * {@link Tracked}), so a crash between a send and its record re-sends that notice once, with the
 * same idempotency key ({@code Idempotency-Key} header, PagerDuty {@code dedup_key}, email
 * {@code Message-ID}), and loses nothing.
 *
 * <p>Channels: each has its own queue and thread; a channel that is down delays only itself. After
 * the channel's give-up time ({@link Routing#giveUpAfter()}) the notice goes to the dead-letter topic
 * (raw input bytes, {@code DeadLetterHeaders} plus {@link #CHANNEL_HEADER}) and to the fallback
 * channel, and a {@code failed} record stops it being retried after a restart.
 *
 * <p>Parts: {@link StormControl} (storms and digests), {@link ResolutionWait} (resolutions that
 * arrive before their alert), {@link DeliveryRecords} (every write), {@link Notices} (what a notice
 * says); this class is the consumer loop, the channel workers and the public {@link Options} and
 * {@link Stats} records, which take it a little past 600 lines. Delivery events: every attempt and every outcome is an
 * {@link AlertDeliveryEvent} on {@value #EVENTS_TOPIC} (key the correlation id) for the timeline. No
 * secret (webhook URL, routing key, SMTP password) is ever in a record or a log line.
 */
public final class OnCallDispatcher implements Runnable, AutoCloseable {
  /** Consumer group of the dispatcher. */
  public static final String GROUP_ID = "glasswatch-alerts";
  /** The compacted topic of delivery records, key {@code <noticeKey>|<channel>}. */
  public static final String DELIVERIES_TOPIC = Topics.ALERT_DELIVERIES;
  /** Dead-letter header naming the channel a delivery failed on. */
  public static final String CHANNEL_HEADER = "glasswatch.alerts.channel";
  /** Topic of delivery attempts and outcomes ({@link AlertDeliveryEvent}), one record per attempt and per outcome. */
  public static final String EVENTS_TOPIC = Topics.ALERT_DELIVERY_EVENTS;

  private static final Logger LOG = LoggerFactory.getLogger(OnCallDispatcher.class);

  /**
   * Topics, group and timing.
   *
   * @param alertsTopic alerts read
   * @param resolutionsTopic alert resolutions read
   * @param revokeResultsTopic revoke results read
   * @param deliveriesTopic compacted delivery state (created with one partition when absent)
   * @param deadLetterTopic where undeliverable notices and unreadable input go
   * @param eventsTopic delivery attempts and outcomes (created when absent)
   * @param groupId consumer group
   * @param pollTimeout longest wait of one poll (also the storm digest tick)
   * @param startupTimeout bound for creating and reading the delivery-state topic
   * @param closeTimeout how long {@link #close()} waits
   */
  public record Options(String alertsTopic, String resolutionsTopic, String revokeResultsTopic, String deliveriesTopic,
      String deadLetterTopic, String eventsTopic, String groupId, Duration pollTimeout, Duration startupTimeout,
      Duration closeTimeout) {
    /** Validates: names non-blank, durations positive. */
    public Options {
      for (String s : new String[] {alertsTopic, resolutionsTopic, revokeResultsTopic, deliveriesTopic, deadLetterTopic,
          eventsTopic, groupId}) {
        if (s == null || s.isBlank()) {
          throw new IllegalArgumentException("topic names and group id must not be blank");
        }
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
     * @return {@code alerts}, {@code alert-resolutions}, {@code revoke-results}, {@code alert-deliveries},
     *     {@code dead-letter}, {@value #EVENTS_TOPIC}, group {@code glasswatch-alerts}; poll 100 ms,
     *     start-up 60 s, close 30 s
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
      return new Options(topics.name(Topics.ALERTS), topics.name(Topics.ALERT_RESOLUTIONS),
          topics.name(Topics.REVOKE_RESULTS), topics.name(Topics.ALERT_DELIVERIES), topics.name(Topics.DEAD_LETTER),
          topics.name(EVENTS_TOPIC), topics.group(GROUP_ID), Duration.ofMillis(100), Duration.ofSeconds(60),
          Duration.ofSeconds(30));
    }

    /**
     * A copy with other topics.
     *
     * @param alerts alerts topic
     * @param resolutions alert-resolutions topic
     * @param results revoke-results topic
     * @param deliveries delivery-state topic
     * @param deadLetter dead-letter topic
     * @param events delivery-events topic
     * @return the copy
     */
    public Options withTopics(String alerts, String resolutions, String results, String deliveries, String deadLetter,
        String events) {
      return new Options(alerts, resolutions, results, deliveries, deadLetter, events, groupId, pollTimeout,
          startupTimeout, closeTimeout);
    }

    /**
     * A copy in another consumer group.
     *
     * @param group the group id
     * @return the copy
     */
    public Options withGroupId(String group) {
      return new Options(alertsTopic, resolutionsTopic, revokeResultsTopic, deliveriesTopic, deadLetterTopic, eventsTopic,
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
   * @param resolved resolutions delivered to at least one channel
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

  private final GlasswatchSettings settings;
  private final Map<String, NoticeChannel> channels = new LinkedHashMap<>();
  private final Map<String, ExecutorService> workers = new LinkedHashMap<>();
  private final Routing routing;
  private final Options options;
  private final Deserializer<Alert> alertDeserializer;
  private final Deserializer<AlertResolution> resolutionDeserializer;
  private final Deserializer<RevokeResult> resultDeserializer;
  private final AvroSerdes serdes;
  private final TrackedConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final String clientId;
  private final ServiceRun life = new ServiceRun("OnCallDispatcher");
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final ResolutionWait waiting = new ResolutionWait();
  private final StormControl storms;
  private DeliveryLog log;
  private DeliveryRecords records;

  private final LongAdder recordsRead = new LongAdder();
  private final Map<String, LongAdder> delivered = new ConcurrentHashMap<>();
  private final LongAdder alreadyDelivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder digests = new LongAdder();
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
    this.serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    this.alertDeserializer = serdes.value(Alert.class).deserializer();
    this.resolutionDeserializer = serdes.value(AlertResolution.class).deserializer();
    this.resultDeserializer = serdes.value(RevokeResult.class).deserializer();
    this.consumer = new TrackedConsumer<>(new KafkaConsumer<>(KafkaClients.groupConsumer(settings, options.groupId(),
        clientId), new StringDeserializer(), new ByteArrayDeserializer()), new Rebalance(), "on-call dispatcher " + clientId,
        () -> failure.get() == null);
    this.producer = new KafkaProducer<>(KafkaClients.producer(settings, clientId), new StringSerializer(),
        new ByteArraySerializer());
    this.storms = new StormControl(routing, this::submit);
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
    boolean go = life.begin();
    try {
      if (!go) {
        return;
      }
      KafkaClients.ensureTopic(settings, options.deliveriesTopic(), 1, true, options.startupTimeout());
      KafkaClients.ensureTopic(settings, options.eventsTopic(), 1, false, options.startupTimeout());
      log = new DeliveryLog(settings, options.deliveriesTopic(), clientId + "-state");
      log.catchUp(options.startupTimeout(), (k, v) -> { });
      records = new DeliveryRecords(producer, serdes.value(AlertDeliveryEvent.class).serializer(), log, options);
      LOG.info("on-call dispatcher {}: {} deliveries recorded in {}; channels {}", clientId, log.size(),
          options.deliveriesTopic(), channels.keySet());
      consumer.subscribe(List.of(options.alertsTopic(), options.resolutionsTopic(), options.revokeResultsTopic()));
      while (!life.closing()) {
        RuntimeException f = failure.get();
        if (f != null) {
          throw f;
        }
        consumer.poll(options.pollTimeout(), (record, ticket) -> {
          recordsRead.increment();
          Tracked t = new Tracked(record, ticket, consumer::ack);
          try {
            process(record, t);
          } finally {
            t.release();
          }
        });
        long now = System.currentTimeMillis();
        storms.digest(now);
        retryPendingResolutions(now);
        commitCompleted();
      }
    } catch (WakeupException e) {
      if (!life.closing()) {
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
      life.ended();
    }
  }

  /** Revoked: resolutions still awaited for those partitions are dropped; assigned: deliveries are read back. */
  private final class Rebalance implements TrackedConsumer.Hooks {
    @Override
    public void revoked(Collection<TopicPartition> partitions) {
      waiting.forget(t -> partitions.contains(new TopicPartition(t.record().topic(), t.record().partition())));
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
      log.catchUp(options.startupTimeout(), (k, v) -> { });
    }
  }

  /** Poll thread: commits the records whose every delivery is recorded (nothing once a recording failed). */
  private void commitCompleted() {
    consumer.commit();
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
      } else if (topic.equals(options.resolutionsTopic())) {
        AlertResolution r = resolutionDeserializer.deserialize(topic, record.headers(), record.value());
        if (r != null) {
          onResolution(r, t, System.currentTimeMillis());
        }
      } else {
        RevokeResult r = resultDeserializer.deserialize(topic, record.headers(), record.value());
        if (r != null) {
          Notices.ofRevokeResult(r, routing.links()).ifPresent(n -> routing.enforcementChannels()
              .forEach(c -> submit(n, c, List.of(t))));
        }
      }
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException && failure.get() != null) {
        throw e;
      }
      LOG.error("unreadable record at {}-{}@{}: {}", topic, record.partition(), record.offset(), e.toString());
      if (!topic.equals(options.revokeResultsTopic())) {
        records.deadLetter(record, "cannot read " + topic + " record: " + e.getMessage(), e.getClass().getName());
      }
    }
  }

  private void onAlert(Alert alert, Tracked t) {
    Notice notice = Notice.of(alert, routing.links());
    List<String> targets = routing.channelsFor(alert.getAlertType(), alert.getSeverity(), alert.getAccountId(),
        alert.getTenant(), Instant.now());
    if (targets.isEmpty()) {
      records.event("outcome", notice, "-", 0, "skipped", "no channel: quiet hours or an empty route", 0);
      return;
    }
    List<String> pendingTargets = targets.stream().filter(c -> !log.contains(deliveryKey(notice.key(), c))).toList();
    if (pendingTargets.isEmpty()) {
      alreadyDelivered.add(targets.size());
      return;
    }
    if (storms.holds(alert, pendingTargets, t, System.currentTimeMillis())) {
      return;
    }
    targets.forEach(c -> submit(notice, c, List.of(t)));
  }

  /**
   * Delivers a resolution to the channels its alert was delivered to; waits while the alert has no
   * delivery record yet (it may still be on its way, or in a channel's retries).
   */
  private void onResolution(AlertResolution r, Tracked t, long now) {
    List<String> targets = deliveredChannels(r.getAlertId());
    if (targets.isEmpty()) {
      waiting.hold(r, t, now + 2 * routing.giveUpAfter().toMillis());
      return;
    }
    Notice n = Notices.ofResolution(r, routing.links());
    resolved.increment();
    targets.forEach(c -> submit(n, c, List.of(t)));
  }

  private void retryPendingResolutions(long now) {
    for (ResolutionWait.Held h : waiting.release(now, id -> !deliveredChannels(id).isEmpty())) {
      AlertResolution r = h.resolution();
      if (!deliveredChannels(r.getAlertId()).isEmpty()) {
        onResolution(r, h.tracked(), now);
      } else {
        LOG.warn("resolution of alert {} ({}) not delivered: the alert was delivered to no channel", r.getAlertId(),
            r.getAlertType());
        records.event("outcome", Notices.ofResolution(r, routing.links()), "-", 0, "skipped",
            "the resolved alert was delivered to no channel", 0);
      }
      h.tracked().release();
    }
  }

  /** Channels with a {@code delivered} record of the alert, in channel order. */
  private List<String> deliveredChannels(String alertId) {
    List<String> out = new ArrayList<>();
    for (String c : channels.keySet()) {
      ObjectNode v = log.get(deliveryKey(alertId, c));
      if (v != null && "delivered".equals(v.path("status").asText())) {
        out.add(c);
      }
    }
    return out;
  }

  // ---- delivery --------------------------------------------------------------------------------

  private void submit(Notice notice, String channelName, List<Tracked> tracked) {
    NoticeChannel channel = channels.get(channelName);
    if (channel == null || !channel.supports(notice.kind())) {
      return;
    }
    String key = deliveryKey(notice.key(), channelName);
    if (log.contains(key)) {
      alreadyDelivered.increment();
      return;
    }
    tracked.forEach(Tracked::hold);
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
      tracked.forEach(Tracked::release);
    });
  }

  /** Delivers and records; false when the dispatcher is stopping (left for the next start, offsets uncommitted). */
  private boolean deliver(Notice notice, NoticeChannel channel, String key, List<Tracked> tracked) {
    if (life.closing() || failure.get() != null) {
      return false;
    }
    if (log.contains(key)) {
      alreadyDelivered.increment();
      return true;
    }
    NoticeChannel.AttemptListener listener =
        (n, outcome, detail, ms) -> records.event("attempt", notice, channel.name(), n, outcome, detail, ms);
    try {
      int attempts = channel.deliver(notice, listener);
      records.record(notice, channel.name(), "delivered", attempts);
      delivered.get(channel.name()).increment();
      if (notice.kind() == Notice.Kind.DIGEST) {
        digests.increment();
        records.recordDigested(notice, channel.name(), attempts, routing.links());
      }
      records.event("outcome", notice, channel.name(), attempts, "success", "delivered", 0);
    } catch (DeliveryException e) {
      failed.increment();
      LOG.error("{} {} to {} not delivered: {}", notice.kind(), notice.key(), channel.name(), e.getMessage());
      records.record(notice, channel.name(), "failed", e.attempts());
      records.event("outcome", notice, channel.name(), e.attempts(), "failure", e.getMessage(), 0);
      records.deadLetter(notice, tracked, e);
      String fb = routing.fallback();
      if (fb != null && !fb.equals(channel.name()) && channels.containsKey(fb)) {
        fallbacks.increment();
        submit(notice, fb, tracked);
      }
    }
    return true;
  }

  /**
   * A notice as JSON (dead-letter value of notices other than alerts).
   *
   * @param n the notice
   * @return {@code {kind, key, title, summary, severity, alertType, alertId, correlationId, requestId,
   *     accountId, at, groupedAlertIds}}
   */
  public static ObjectNode noticeJson(Notice n) {
    return DeliveryRecords.noticeJson(n);
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
        digests.sum(), storms.storms(), resolved.sum());
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
    boolean first = life.close(() -> {
      workers.values().forEach(ExecutorService::shutdownNow);
      closeClients();
    }, consumer::wakeup, options.closeTimeout().plusSeconds(5));
    if (first) {
      channels.values().forEach(NoticeChannel::close);
    }
  }

  private void closeClients() {
    consumer.close();
    producer.close(Duration.ofSeconds(5));
    if (log != null) {
      log.close();
    }
    alertDeserializer.close();
    resolutionDeserializer.close();
    resultDeserializer.close();
  }
}
