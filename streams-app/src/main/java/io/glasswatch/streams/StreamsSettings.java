package io.glasswatch.streams;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.errors.DeadLetterDeserializationHandler;
import io.glasswatch.streams.enforcement.SweeperSettings;
import io.glasswatch.streams.errors.DeadLetterProcessingHandler;
import io.glasswatch.streams.policy.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the Glasswatch Kafka Streams application, immutable and validated together.
 *
 * @param applicationId Kafka Streams {@code application.id}: consumer group, and prefix of internal topics
 * @param bootstrapServers Kafka {@code host:port[,host:port]}
 * @param stateDir directory of the RocksDB state stores
 * @param policy detection policy
 * @param numStandbyReplicas {@code num.standby.replicas} (0 on one machine)
 * @param commitInterval {@code commit.interval.ms}: the transaction length under exactly-once, so
 *     also the latency added to every output
 * @param processingGuarantee {@code exactly_once_v2} (production) or {@code at_least_once}
 * @param replicationFactor replication factor of internal topics (1 for the local stack)
 * @param maxTaskIdle {@code max.task.idle.ms}: how long a task waits for data on an empty input
 *     partition before processing others out of event-time order
 * @param topicPrefix prefix of every topic the application reads and writes (empty in production; lets
 *     several Glasswatch instances, or tests, share one cluster), see {@link #topic(String)}
 * @param wallClockDeadlines whether deadlines are also evaluated on the wall clock, at
 *     {@code max(stream time, wall clock - policy.allowedLateness)} (live operation), or on stream time
 *     alone (replay); see {@code io.glasswatch.streams.time.DeadlineClock}
 * @param numStreamThreads {@code num.stream.threads}, at least 1
 * @param sweeper the expiry sweeper's settings ({@code revoke.sweeper.*}), not null
 */
public record StreamsSettings(
    String applicationId,
    String bootstrapServers,
    Path stateDir,
    Policy policy,
    int numStandbyReplicas,
    Duration commitInterval,
    String processingGuarantee,
    int replicationFactor,
    Duration maxTaskIdle,
    String topicPrefix,
    boolean wallClockDeadlines,
    int numStreamThreads,
    SweeperSettings sweeper) {

  /** The production processing guarantee. */
  public static final String EXACTLY_ONCE_V2 = StreamsConfig.EXACTLY_ONCE_V2;
  /**
   * Default commit interval: 50 ms, half Kafka Streams' own default under exactly-once. A revoke decided
   * in stage A passes two commits (the {@code revoke-orders-by-account} repartition, then
   * {@code revoke-commands}) before the executor sees it; at 100 ms the detection-to-delete p99 was
   * 366–526 ms against moto, at 50 ms 311–338 ms, for 5–10% more CPU per event
   * ({@code benchmarks/revoke-latency.sh --pipeline}, {@code benchmarks/README.md}).
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(50);
  /**
   * Default {@code max.task.idle.ms}: 0, a task never waits for records yet to be produced on an empty
   * input partition (it still fetches what the broker already holds). The repartition topics of grant
   * and lifecycle facts carry about 1% of the traffic and are empty most of the time; with a positive
   * idle time every task paused on them between batches, for no gain in correctness: out-of-order
   * arrival across inputs is what the decision delay absorbs (see {@code AccountCorrelator}).
   */
  public static final Duration DEFAULT_MAX_TASK_IDLE = Duration.ZERO;
  /** Producer batch size of the streams app's producers, bytes. */
  public static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  private static final Set<String> GUARANTEES = Set.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);

  /**
   * Validates every field at once.
   *
   * @throws ConfigException naming each invalid field and the expected form
   */
  public StreamsSettings {
    List<String> problems = new ArrayList<>();
    if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
      problems.add("applicationId: expected letters, digits, '.', '_' or '-', got '" + applicationId + "'");
    }
    if (bootstrapServers == null || !bootstrapServers.matches("[^,:\\s]+:\\d+(,[^,:\\s]+:\\d+)*")) {
      problems.add("bootstrapServers: expected host:port[,host:port], got '" + bootstrapServers + "'");
    }
    if (stateDir == null) {
      problems.add("stateDir: expected a directory");
    }
    if (policy == null) {
      problems.add("policy: expected a policy");
    }
    if (numStandbyReplicas < 0) {
      problems.add("numStandbyReplicas: expected >= 0, got " + numStandbyReplicas);
    }
    if (commitInterval == null || commitInterval.isNegative() || commitInterval.isZero()) {
      problems.add("commitInterval: expected a positive duration, got " + commitInterval);
    }
    if (!GUARANTEES.contains(processingGuarantee)) {
      problems.add("processingGuarantee: expected one of " + GUARANTEES + ", got '" + processingGuarantee + "'");
    }
    if (replicationFactor < 1) {
      problems.add("replicationFactor: expected >= 1, got " + replicationFactor);
    }
    if (maxTaskIdle == null || maxTaskIdle.isNegative()) {
      problems.add("maxTaskIdle: expected a duration >= 0, got " + maxTaskIdle);
    }
    if (sweeper == null) {
      problems.add("sweeper: expected the expiry sweeper's settings, got null");
    }
    if (numStreamThreads < 1) {
      problems.add("numStreamThreads: expected >= 1, got " + numStreamThreads);
    }
    if (topicPrefix == null || !topicPrefix.matches("[A-Za-z0-9._-]*")) {
      problems.add("topicPrefix: expected letters, digits, '.', '_' or '-' (or nothing), got '" + topicPrefix + "'");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /**
   * Settings with the default expiry sweeper ({@link SweeperSettings#DEFAULTS}); see the canonical
   * constructor for the fields.
   *
   * @throws ConfigException naming each invalid field and the expected form
   */
  public StreamsSettings(String applicationId, String bootstrapServers, Path stateDir, Policy policy,
      int numStandbyReplicas, Duration commitInterval, String processingGuarantee, int replicationFactor,
      Duration maxTaskIdle, String topicPrefix, boolean wallClockDeadlines, int numStreamThreads) {
    this(applicationId, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval, processingGuarantee,
        replicationFactor, maxTaskIdle, topicPrefix, wallClockDeadlines, numStreamThreads, SweeperSettings.DEFAULTS);
  }

  /**
   * Settings with one stream thread; see the canonical constructor for the fields.
   *
   * @throws ConfigException naming each invalid field and the expected form
   */
  public StreamsSettings(String applicationId, String bootstrapServers, Path stateDir, Policy policy,
      int numStandbyReplicas, Duration commitInterval, String processingGuarantee, int replicationFactor,
      Duration maxTaskIdle, String topicPrefix, boolean wallClockDeadlines) {
    this(applicationId, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval, processingGuarantee,
        replicationFactor, maxTaskIdle, topicPrefix, wallClockDeadlines, 1, SweeperSettings.DEFAULTS);
  }

  /**
   * Settings that evaluate deadlines on stream time alone ({@code wallClockDeadlines} false), as
   * replay and tests do; see the canonical constructor for the other fields.
   *
   * @throws ConfigException naming each invalid field and the expected form
   */
  public StreamsSettings(String applicationId, String bootstrapServers, Path stateDir, Policy policy,
      int numStandbyReplicas, Duration commitInterval, String processingGuarantee, int replicationFactor,
      Duration maxTaskIdle, String topicPrefix) {
    this(applicationId, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval, processingGuarantee,
        replicationFactor, maxTaskIdle, topicPrefix, false);
  }

  /**
   * Settings from the shared configuration: {@code streams.application.id}, {@code kafka.bootstrap.servers},
   * {@code streams.state.dir}, {@code kafka.topic-prefix} (the topic prefix, empty by default),
   * {@code streams.wall-clock-deadlines} (wall-clock deadlines unless it is {@code false}), {@code streams.num-stream-threads}, {@code streams.commit-interval},
   * {@code revoke.sweeper.enabled} and
   * {@code revoke.sweeper.lookback} ({@link SweeperSettings#from}); exactly-once v2, no standby, replication factor 1, default intervals.
   *
   * @param settings shared Glasswatch settings
   * @param policy detection policy
   */
  public static StreamsSettings from(GlasswatchSettings settings, Policy policy) {
    return new StreamsSettings(settings.get(GlasswatchSettings.STREAMS_APP_ID),
        settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP), Path.of(settings.get(GlasswatchSettings.STREAMS_STATE_DIR)),
        policy, 0, Durations.parse(settings.get(GlasswatchSettings.STREAMS_COMMIT_INTERVAL)), EXACTLY_ONCE_V2, 1,
        DEFAULT_MAX_TASK_IDLE, TopicNames.from(settings).prefix(),
        !"false".equalsIgnoreCase(settings.get(GlasswatchSettings.STREAMS_WALL_CLOCK_DEADLINES).trim()),
        Integer.parseInt(settings.get(GlasswatchSettings.STREAMS_THREADS).trim()), SweeperSettings.from(settings));
  }

  /** {@link #from(GlasswatchSettings, Policy)} with {@link Policy#defaults()}. */
  public static StreamsSettings from(GlasswatchSettings settings) {
    return from(settings, Policy.defaults());
  }

  /** A copy with another application id (tests run each topology under its own id). */
  public StreamsSettings withApplicationId(String id) {
    return new StreamsSettings(id, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval,
        processingGuarantee, replicationFactor, maxTaskIdle, topicPrefix, wallClockDeadlines, numStreamThreads, sweeper);
  }

  /** A copy with another state directory. */
  public StreamsSettings withStateDir(Path dir) {
    return new StreamsSettings(applicationId, bootstrapServers, dir, policy, numStandbyReplicas, commitInterval,
        processingGuarantee, replicationFactor, maxTaskIdle, topicPrefix, wallClockDeadlines, numStreamThreads, sweeper);
  }

  /** A copy with another policy. */
  public StreamsSettings withPolicy(Policy p) {
    return new StreamsSettings(applicationId, bootstrapServers, stateDir, p, numStandbyReplicas, commitInterval,
        processingGuarantee, replicationFactor, maxTaskIdle, topicPrefix, wallClockDeadlines, numStreamThreads, sweeper);
  }

  /** A copy with another topic prefix. */
  public StreamsSettings withTopicPrefix(String prefix) {
    return new StreamsSettings(applicationId, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval,
        processingGuarantee, replicationFactor, maxTaskIdle, prefix, wallClockDeadlines, numStreamThreads, sweeper);
  }

  /** A copy with {@code n} stream threads. */
  public StreamsSettings withNumStreamThreads(int n) {
    return new StreamsSettings(applicationId, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval,
        processingGuarantee, replicationFactor, maxTaskIdle, topicPrefix, wallClockDeadlines, n, sweeper);
  }

  /** A copy with other expiry sweeper settings. */
  public StreamsSettings withSweeper(SweeperSettings s) {
    return new StreamsSettings(applicationId, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval,
        processingGuarantee, replicationFactor, maxTaskIdle, topicPrefix, wallClockDeadlines, numStreamThreads, s);
  }

  /** A copy that evaluates deadlines on the wall clock too ({@code true}) or on stream time alone. */
  public StreamsSettings withWallClockDeadlines(boolean enabled) {
    return new StreamsSettings(applicationId, bootstrapServers, stateDir, policy, numStandbyReplicas, commitInterval,
        processingGuarantee, replicationFactor, maxTaskIdle, topicPrefix, enabled, numStreamThreads, sweeper);
  }

  /** The topic names of this application: the catalogue's with {@link #topicPrefix()}. */
  public TopicNames topics() {
    return new TopicNames(topicPrefix);
  }

  /**
   * The name of a catalogue topic for this application: {@code topicPrefix + name}.
   *
   * @param name a name of {@link Topics}, e.g. {@value Topics#ALERTS}
   */
  public String topic(String name) {
    return topicPrefix + name;
  }

  /**
   * The Kafka Streams configuration: the fields above, plus the dead-letter handlers
   * ({@code deserialization.exception.handler}, {@code processing.exception.handler}) writing to
   * {@code errors.dead.letter.queue.topic.name} = {@code topic(DEAD_LETTER)}, and
   * {@code auto.offset.reset=earliest} so a new application reads its inputs from the start, and
   * producer batches of 256 KiB ({@code producer.batch.size}; the default 16 KiB splits the changelog,
   * repartition and output records of one commit into many small requests, which costs the app and
   * the broker CPU per record, see {@code benchmarks/README.md}).
   */
  public Properties toProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, numStandbyReplicas);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, numStreamThreads);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, maxTaskIdle.toMillis());
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic(Topics.DEAD_LETTER));
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    return p;
  }
}
