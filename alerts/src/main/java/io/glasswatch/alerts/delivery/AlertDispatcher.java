package io.glasswatch.alerts.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.alerts.kafka.DeadLetters;
import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.alerts.kafka.KeyLog;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
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
 * Consumes the {@code alerts} topic and delivers every alert once to every channel.
 *
 * <p>Rule: an alert is sent to a channel only if no delivery of its {@code alertId} to that
 * channel is recorded. Delivery state lives in Kafka, not in memory: the compacted topic
 * {@code alert-deliveries} holds one record per successful delivery, key
 * {@code <alertId>|<channel>}, value a small JSON object ({@code alertId}, {@code channel},
 * {@code alertType}, {@code correlationId}, {@code attempts}, {@code deliveredAt} ISO-8601 UTC).
 * At start-up (and after every partition assignment) the dispatcher reads that topic to its end
 * to rebuild the delivered set; after a successful delivery it writes the record and waits for
 * the acknowledgement ({@code acks=all}, idempotent producer); offsets of {@code alerts}
 * (consumer group {@code glasswatch-alerts}) are committed only after that. So the same alert
 * produced twice, a replay, or a restart never sends an alert twice to a channel; a crash
 * between a delivery and its record can re-send it once, with the same {@code Idempotency-Key}.
 *
 * <p>Failures: a record that cannot be read as an {@link Alert}, and an alert a channel could
 * not deliver (after the channel's own bounded retries), go to the dead-letter topic with the
 * raw record bytes and headers naming the source topic, partition, offset, the reason and, for
 * deliveries, the channel ({@link #CHANNEL_HEADER}); the dispatcher logs the failure, counts it
 * and moves on. If Kafka itself fails (the delivery record cannot be written), {@link #run()}
 * throws and offsets stay uncommitted.
 */
public final class AlertDispatcher implements Runnable, AutoCloseable {
  /** Consumer group of the dispatcher. */
  public static final String GROUP_ID = "glasswatch-alerts";
  /** The compacted topic of successful deliveries, key {@code <alertId>|<channel>}. */
  public static final String DELIVERIES_TOPIC = io.glasswatch.schema.Topics.ALERT_DELIVERIES;
  /** Dead-letter header naming the channel a delivery failed on. */
  public static final String CHANNEL_HEADER = "glasswatch.alerts.channel";

  private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Topics, group and timing of a dispatcher.
   *
   * @param alertsTopic topic read, normally {@code alerts}
   * @param deliveriesTopic compacted delivery-state topic, normally {@code alert-deliveries}
   *     (created with one partition when absent)
   * @param deadLetterTopic where unreadable and undeliverable alerts go, normally {@code dead-letter}
   * @param groupId consumer group, normally {@code glasswatch-alerts}
   * @param pollTimeout longest wait of one poll
   * @param startupTimeout bound for creating and reading the delivery-state topic
   * @param closeTimeout how long {@link #close()} waits for {@link #run()} to stop
   */
  public record Options(String alertsTopic, String deliveriesTopic, String deadLetterTopic, String groupId,
      Duration pollTimeout, Duration startupTimeout, Duration closeTimeout) {
    /** Validates: names non-blank, durations positive. */
    public Options {
      for (String s : new String[] {alertsTopic, deliveriesTopic, deadLetterTopic, groupId}) {
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
     * @return {@code alerts}, {@code alert-deliveries}, {@code dead-letter}, group
     *     {@code glasswatch-alerts}; poll 500 ms, start-up 60 s, close 30 s
     */
    public static Options defaults() {
      return new Options(Topics.ALERTS, DELIVERIES_TOPIC, Topics.DEAD_LETTER, GROUP_ID, Duration.ofMillis(500),
          Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    /**
     * A copy reading and writing other topics.
     *
     * @param alerts topic of alerts read
     * @param deliveries compacted delivery-state topic
     * @param deadLetter dead-letter topic
     * @return the copy
     */
    public Options withTopics(String alerts, String deliveries, String deadLetter) {
      return new Options(alerts, deliveries, deadLetter, groupId, pollTimeout, startupTimeout, closeTimeout);
    }

    /**
     * A copy in another consumer group.
     *
     * @param group consumer group id
     * @return the copy
     */
    public Options withGroupId(String group) {
      return new Options(alertsTopic, deliveriesTopic, deadLetterTopic, group, pollTimeout, startupTimeout, closeTimeout);
    }

    /**
     * A copy with another poll timeout.
     *
     * @param poll longest wait of one poll
     * @return the copy
     */
    public Options withPollTimeout(Duration poll) {
      return new Options(alertsTopic, deliveriesTopic, deadLetterTopic, groupId, poll, startupTimeout, closeTimeout);
    }
  }

  /**
   * Counts since the dispatcher was created.
   *
   * @param alertsRead alert records read (including unreadable ones)
   * @param deliveredByChannel successful deliveries per channel name
   * @param alreadyDelivered (alert, channel) pairs skipped because a delivery was already recorded
   * @param failed (alert, channel) deliveries that failed after retries, plus unreadable records
   * @param deadLettered records written to the dead-letter topic
   */
  public record Stats(long alertsRead, Map<String, Long> deliveredByChannel, long alreadyDelivered, long failed,
      long deadLettered) {
    /**
     * Successful deliveries over all channels.
     *
     * @return successful deliveries over all channels
     */
    public long delivered() {
      return deliveredByChannel.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final GlasswatchSettings settings;
  private final List<AlertChannel> channels;
  private final Options options;
  private final Clock clock;
  private final Deserializer<Alert> alertDeserializer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final String clientId;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private long lastPoll;
  private KeyLog deliveries;

  private final LongAdder alertsRead = new LongAdder();
  private final Map<String, LongAdder> delivered = new ConcurrentHashMap<>();
  private final LongAdder alreadyDelivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();

  /**
   * A dispatcher with {@link Options#defaults()}.
   *
   * @param settings Kafka bootstrap servers and registry URL
   * @param channels channels to deliver to, in order; names must be distinct
   */
  public AlertDispatcher(GlasswatchSettings settings, List<AlertChannel> channels) {
    this(settings, channels, Options.defaults());
  }

  /**
   * A dispatcher. Kafka clients are created here; nothing is read before {@link #run()}.
   *
   * @param settings Kafka bootstrap servers ({@code kafka.bootstrap.servers}) and the Apicurio
   *     Registry URL ({@code registry.url}) the alerts were written with
   * @param channels channels to deliver to, in order; at least one; names distinct and without {@code |}
   * @param options topics, group and timing
   * @throws IllegalArgumentException on an empty channel list or a bad channel name
   */
  public AlertDispatcher(GlasswatchSettings settings, List<AlertChannel> channels, Options options) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.channels = List.copyOf(channels);
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Clock.systemUTC();
    if (this.channels.isEmpty()) {
      throw new IllegalArgumentException("at least one alert channel is required");
    }
    if (this.channels.stream().map(AlertChannel::name).distinct().count() != this.channels.size()
        || this.channels.stream().anyMatch(c -> c.name().isBlank() || c.name().contains("|"))) {
      throw new IllegalArgumentException("channel names must be distinct, non-blank and free of '|'");
    }
    this.channels.forEach(c -> delivered.put(c.name(), new LongAdder()));
    this.clientId = options.groupId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.alertDeserializer = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(Alert.class).deserializer();
    this.consumer = new KafkaConsumer<>(KafkaClients.groupConsumer(settings, options.groupId(), clientId),
        new StringDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(KafkaClients.producer(settings, clientId), new StringSerializer(),
        new ByteArraySerializer());
  }

  /**
   * Rebuilds the delivered set, then consumes and delivers until {@link #close()}. Call once, on
   * a thread of its own.
   *
   * @throws IllegalStateException when called twice, when the delivery-state topic cannot be
   *     created or read within the start-up timeout, or when a delivery cannot be recorded
   */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("AlertDispatcher.run() may be called once");
    }
    try {
      if (closing.get()) {
        return;
      }
      KafkaClients.ensureTopic(settings, options.deliveriesTopic(), 1, true, options.startupTimeout());
      deliveries = new KeyLog(settings, options.deliveriesTopic(), clientId + "-state");
      deliveries.catchUp(options.startupTimeout());
      LOG.info("alert dispatcher {}: {} deliveries already recorded in {}; channels {}", clientId, deliveries.size(),
          options.deliveriesTopic(), channels.stream().map(AlertChannel::name).toList());
      consumer.subscribe(List.of(options.alertsTopic()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
          partitions.forEach(tp -> {
            OffsetAndMetadata o = pending.remove(tp);
            if (o != null) {
              done.put(tp, o);
            }
          });
          if (!done.isEmpty()) {
            producer.flush();
            consumer.commitSync(done);
          }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          long n = deliveries.catchUp(options.startupTimeout());
          LOG.debug("assigned {}; read {} new delivery records", partitions, n);
        }
      });
      while (!closing.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(options.pollTimeout());
        lastPoll = System.nanoTime();
        for (ConsumerRecord<String, byte[]> record : records) {
          if (closing.get()) {
            break;
          }
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (!consumer.assignment().contains(tp)) {
            continue;
          }
          process(record);
          pending.put(tp, new OffsetAndMetadata(record.offset() + 1));
          keepGroupMembership();
        }
        commitPending();
      }
    } catch (WakeupException e) {
      if (!closing.get()) {
        throw e;
      }
      commitPending();
    } finally {
      closeClients();
      stopped.countDown();
    }
  }

  /**
   * Slow deliveries (a webhook timing out on every attempt) could outlast
   * {@code max.poll.interval.ms}; polling with every partition paused keeps the group membership
   * without fetching. Records of partitions assigned during that poll are rewound.
   */
  private void keepGroupMembership() {
    if (System.nanoTime() - lastPoll < KEEP_ALIVE_NANOS) {
      return;
    }
    consumer.pause(consumer.assignment());
    ConsumerRecords<String, byte[]> stray = consumer.poll(Duration.ZERO);
    for (TopicPartition tp : stray.partitions()) {
      consumer.seek(tp, stray.records(tp).getFirst().offset());
    }
    consumer.resume(consumer.paused());
    lastPoll = System.nanoTime();
  }

  private void commitPending() {
    if (!pending.isEmpty()) {
      producer.flush();
      consumer.commitSync(pending);
      pending.clear();
    }
  }

  private void process(ConsumerRecord<String, byte[]> record) {
    alertsRead.increment();
    Alert alert;
    try {
      alert = alertDeserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      failed.increment();
      LOG.error("unreadable alert at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      deadLetter(record, "cannot read alert: " + e.getMessage(), e.getClass().getName(), null);
      return;
    }
    if (alert == null) {
      return;
    }
    for (AlertChannel channel : channels) {
      String key = deliveryKey(alert.getAlertId(), channel.name());
      if (deliveries.contains(key)) {
        alreadyDelivered.increment();
        LOG.debug("alert {} already delivered to {}", alert.getAlertId(), channel.name());
        continue;
      }
      int attempts;
      try {
        attempts = channel.deliver(alert);
      } catch (DeliveryException e) {
        failed.increment();
        LOG.error("alert {} ({} {}) not delivered: {}", alert.getAlertId(), alert.getAlertType(),
            alert.getCorrelationId(), e.getMessage());
        deadLetter(record, e.getMessage(), DeliveryException.class.getName(), channel.name());
        continue;
      }
      record(alert, channel.name(), attempts, key);
      delivered.get(channel.name()).increment();
    }
  }

  private void record(Alert alert, String channel, int attempts, String key) {
    ObjectNode v = JSON.createObjectNode();
    v.put("alertId", alert.getAlertId());
    v.put("channel", channel);
    v.put("alertType", alert.getAlertType());
    v.put("correlationId", alert.getCorrelationId());
    v.put("attempts", attempts);
    v.put("deliveredAt", AlertJson.iso(clock.instant()));
    try {
      producer.send(new ProducerRecord<>(options.deliveriesTopic(), key, v.toString().getBytes(StandardCharsets.UTF_8))).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("alert " + alert.getAlertId() + " was delivered to " + channel
          + " but the delivery could not be recorded in " + options.deliveriesTopic() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording a delivery of alert " + alert.getAlertId(), e);
    }
    deliveries.add(key);
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, String exception, String channel) {
    ProducerRecord<String, byte[]> dl = DeadLetters.of(record, options.deadLetterTopic(), reason, exception);
    DeadLetterHeaders.put(dl.headers(), CHANNEL_HEADER, channel);
    try {
      producer.send(dl).get();
      deadLettered.increment();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to " + options.deadLetterTopic() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + options.deadLetterTopic(), e);
    }
  }

  /**
   * The key of a delivery record.
   *
   * @param alertId the alert id
   * @param channel the channel name
   * @return {@code <alertId>|<channel>}
   */
  public static String deliveryKey(String alertId, String channel) {
    return alertId + "|" + channel;
  }

  /**
   * A snapshot of the counts; safe to call from any thread.
   *
   * @return a snapshot of the counts; safe to call from any thread
   */
  public Stats stats() {
    Map<String, Long> perChannel = new LinkedHashMap<>();
    channels.forEach(c -> perChannel.put(c.name(), delivered.get(c.name()).sum()));
    return new Stats(alertsRead.sum(), Map.copyOf(perChannel), alreadyDelivered.sum(), failed.sum(), deadLettered.sum());
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
   * Stops {@link #run()} after the alert in progress (its deliveries finish first), commits what
   * was processed and closes the Kafka clients. Waits up to {@code closeTimeout}. Safe to call
   * from any thread, more than once, and before {@link #run()}. Channels are not closed: their
   * creator owns them.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    if (!started.get() && started.compareAndSet(false, true)) {
      closeClients();
      stopped.countDown();
      return;
    }
    consumer.wakeup();
    try {
      if (!stopped.await(options.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("alert dispatcher {} still delivering after {}; it stops when the current alert is done", clientId,
            options.closeTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeClients() {
    Duration t = Duration.ofSeconds(5);
    try {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(t));
    } catch (RuntimeException e) {
      LOG.debug("closing consumer: {}", e.toString());
    }
    producer.close(t);
    if (deliveries != null) {
      deliveries.close();
    }
    alertDeserializer.close();
  }
}
