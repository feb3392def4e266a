package io.glasswatch.streams;

import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Glasswatch topology in a {@link KafkaStreams} client.
 *
 * <p>Rule: the enforcement path fails loudly. An uncaught exception is logged and shuts the client
 * down ({@code SHUTDOWN_CLIENT}) rather than skipping records; the state listener logs every
 * transition, and {@link #awaitRunning(Duration)} reports a client that ended in ERROR.
 *
 * <p>Usage: {@code try (StreamsService s = new StreamsService(settings, serdes)) { s.start();
 * s.awaitRunning(Duration.ofSeconds(60)); ... }}.
 */
public final class StreamsService implements AutoCloseable {
  /** Input topics (before the settings' prefix) whose partition counts must agree. */
  public static final List<String> INPUT_TOPICS =
      List.of(Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS, Topics.REVOKE_RESULTS,
          Topics.ALERT_DELIVERY_EVENTS);

  private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);

  private final StreamsSettings settings;
  private final Topology topology;
  private final CountDownLatch running = new CountDownLatch(1);
  private final AtomicReference<KafkaStreams.State> lastState = new AtomicReference<>(KafkaStreams.State.CREATED);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private KafkaStreams streams;

  /**
   * Builds the topology; nothing connects to Kafka until {@link #start()}.
   *
   * @param settings application settings
   * @param serdes value serdes (normally {@link AvroSerdes#registry(String)})
   */
  public StreamsService(StreamsSettings settings, AvroSerdes serdes) {
    this(settings, serdes, io.glasswatch.streams.attribution.IdentityCenterNames.NONE);
  }

  /**
   * Builds the topology with stage B looking up IAM Identity Center names through {@code names}
   * ({@link io.glasswatch.streams.attribution.IdentityCenterLookups#from}); nothing connects until {@link #start()}.
   */
  public StreamsService(StreamsSettings settings, AvroSerdes serdes,
      io.glasswatch.streams.attribution.IdentityCenterNames names) {
    this.settings = settings;
    this.topology = GlasswatchTopology.build(settings, serdes, names);
  }

  /** The topology this service runs. */
  public Topology topology() {
    return topology;
  }

  /**
   * Checks the input topics, then starts the client.
   *
   * @throws IllegalStateException when an input topic is missing, the input topics differ in partition
   *     count, or the service was already started
   */
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    checkInputTopics();
    Properties props = settings.toProperties();
    LOG.info("starting Glasswatch streams application {} against {} ({}), policy {}", settings.applicationId(),
        settings.bootstrapServers(), settings.processingGuarantee(), settings.policy());
    streams = new KafkaStreams(topology, props);
    streams.setStateListener((now, before) -> {
      LOG.info("Glasswatch streams state {} -> {}", before, now);
      lastState.set(now);
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("Glasswatch streams failed; shutting the client down", e);
      failure.compareAndSet(null, e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
  }

  /**
   * Waits until the client is RUNNING.
   *
   * @param timeout longest wait
   * @return true when running, false when the timeout passed first
   * @throws IllegalStateException when the client is not started, or failed (ERROR, or shut down by an
   *     uncaught exception), naming the cause
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    if (streams == null) {
      throw new IllegalStateException("not started");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      checkFailed();
      if (running.await(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)
          && lastState.get() == KafkaStreams.State.RUNNING) {
        return true;
      }
    }
    checkFailed();
    return lastState.get() == KafkaStreams.State.RUNNING;
  }

  /** The client's state ({@code CREATED} before {@link #start()}). */
  public KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  /** The uncaught exception that stopped the client, or null. */
  public Throwable failure() {
    return failure.get();
  }

  /**
   * Closes the client, waiting up to 30 s for in-flight work, and leaves the consumer group so that
   * its partitions are reassigned at once (Kafka Streams otherwise keeps the membership until the
   * session times out, which also blocks resetting the group); idempotent.
   */
  @Override
  public synchronized void close() {
    if (streams != null) {
      streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
          .withTimeout(Duration.ofSeconds(30)));
    }
  }

  private void checkFailed() {
    KafkaStreams.State s = lastState.get();
    if (s == KafkaStreams.State.ERROR || failure.get() != null
        && (s == KafkaStreams.State.PENDING_SHUTDOWN || s == KafkaStreams.State.NOT_RUNNING)) {
      throw new IllegalStateException("Glasswatch streams failed (state " + s + ")", failure.get());
    }
  }

  /** Every input topic exists and all have the same partition count; else IllegalStateException. */
  private void checkInputTopics() {
    Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    try (Admin admin = Admin.create(config)) {
      List<String> inputs = INPUT_TOPICS.stream().map(settings::topic).toList();
      Map<String, TopicDescription> topics = admin.describeTopics(inputs).allTopicNames().get(30, TimeUnit.SECONDS);
      Map<String, Integer> partitions = new TreeMap<>();
      topics.forEach((name, d) -> partitions.put(name, d.partitions().size()));
      if (partitions.values().stream().distinct().count() > 1) {
        throw new IllegalStateException("input topics must have the same number of partitions (correlation "
            + "state of a request or account lives with its partition), got " + partitions);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe input topics " + INPUT_TOPICS + " (prefix '"
          + settings.topicPrefix() + "') at "
          + settings.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking input topics", e);
    }
  }
}
