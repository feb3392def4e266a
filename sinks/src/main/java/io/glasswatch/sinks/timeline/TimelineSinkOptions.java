package io.glasswatch.sinks.timeline;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Topics;
import io.glasswatch.sinks.SinkSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tuning of {@link TimelineSink}, validated as a whole in the constructor.
 *
 * @param topic topic to consume ({@link Topics#TIMELINE})
 * @param deadLetterTopic topic for documents Elasticsearch rejects ({@link Topics#DEAD_LETTER})
 * @param groupId Kafka consumer group ({@value #GROUP_ID})
 * @param bulkMaxOperations documents per {@code _bulk} request before it is sent (1..100000)
 * @param bulkMaxBytes request body bytes before a {@code _bulk} request is sent (at least 1 KiB)
 * @param flushInterval a non-full {@code _bulk} request is sent after this long (at least 1 ms)
 * @param maxConcurrentRequests {@code _bulk} requests in flight at once (1..16)
 * @param maxInFlight consumed records not yet acknowledged before the consumer pauses (at least 1)
 * @param initialBackoff first retry delay after a 429/5xx item or a failed request (at least 1 ms)
 * @param maxBackoff cap of the doubling retry delay (not below {@code initialBackoff}); retries never stop
 * @param pollTimeout longest wait of one {@code poll} (at least 1 ms)
 * @param commitInterval shortest time between two offset commits while running (zero: after every poll)
 * @param drainTimeout on {@link TimelineSink#close()}, how long to wait for outstanding documents
 */
public record TimelineSinkOptions(
    String topic,
    String deadLetterTopic,
    String groupId,
    int bulkMaxOperations,
    long bulkMaxBytes,
    Duration flushInterval,
    int maxConcurrentRequests,
    int maxInFlight,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration pollTimeout,
    Duration commitInterval,
    Duration drainTimeout) {

  /** The sink's consumer group. */
  public static final String GROUP_ID = "glasswatch-timeline-sink";

  /**
   * Validates every field and reports all problems at once.
   *
   * @throws IllegalArgumentException naming each invalid field and its expected form
   */
  public TimelineSinkOptions {
    List<String> problems = new ArrayList<>();
    if (topic == null || topic.isBlank()) {
      problems.add("topic: expected a topic name");
    }
    if (deadLetterTopic == null || deadLetterTopic.isBlank()) {
      problems.add("deadLetterTopic: expected a topic name");
    }
    if (groupId == null || groupId.isBlank()) {
      problems.add("groupId: expected a consumer group id");
    }
    if (bulkMaxOperations < 1 || bulkMaxOperations > 100_000) {
      problems.add("bulkMaxOperations: expected 1..100000, got " + bulkMaxOperations);
    }
    if (bulkMaxBytes < 1024) {
      problems.add("bulkMaxBytes: expected at least 1024, got " + bulkMaxBytes);
    }
    if (maxConcurrentRequests < 1 || maxConcurrentRequests > 16) {
      problems.add("maxConcurrentRequests: expected 1..16, got " + maxConcurrentRequests);
    }
    if (maxInFlight < 1) {
      problems.add("maxInFlight: expected at least 1, got " + maxInFlight);
    }
    positive("flushInterval", flushInterval, problems);
    positive("initialBackoff", initialBackoff, problems);
    positive("maxBackoff", maxBackoff, problems);
    positive("pollTimeout", pollTimeout, problems);
    if (commitInterval == null || commitInterval.isNegative()) {
      problems.add("commitInterval: expected zero or a positive duration");
    }
    if (drainTimeout == null || drainTimeout.isNegative()) {
      problems.add("drainTimeout: expected zero or a positive duration");
    }
    if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
      problems.add("maxBackoff: expected at least initialBackoff (" + initialBackoff + "), got " + maxBackoff);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid timeline sink options: " + String.join("; ", problems));
    }
  }

  private static void positive(String name, Duration d, List<String> problems) {
    if (d == null || d.isNegative() || d.isZero()) {
      problems.add(name + ": expected a positive duration, got " + d);
    }
  }

  /**
   * Production defaults: topics {@code timeline} and {@code dead-letter}, group {@value #GROUP_ID},
   * bulk requests of up to 2000 documents or 5 MiB sent at least every 200 ms, 2 concurrent
   * requests, at most 20000 records in flight, retry delays 200 ms doubling to 30 s, 100 ms polls,
   * commits at most every 500 ms, 30 s to drain on close.
   */
  public static TimelineSinkOptions defaults() {
    return new TimelineSinkOptions(Topics.TIMELINE, Topics.DEAD_LETTER, GROUP_ID, 2000, 5L * 1024 * 1024,
        Duration.ofMillis(200), 2, 20_000, Duration.ofMillis(200), Duration.ofSeconds(30),
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /**
   * The production defaults with the tuning of {@code settings}: {@code elasticsearch.sink.bulk-documents},
   * {@code elasticsearch.sink.concurrent-requests} and {@code elasticsearch.sink.flush-interval}
   * (validated when the settings were built).
   *
   * @throws io.glasswatch.config.ConfigException listing every invalid key
   */
  public static TimelineSinkOptions from(GlasswatchSettings settings) {
    return from(SinkSettings.from(settings));
  }

  /**
   * The production defaults with the tuning of validated settings.
   *
   * @param settings the sinks settings
   * @return the options
   */
  public static TimelineSinkOptions from(SinkSettings settings) {
    return defaults().withTopics(settings.topics().name(Topics.TIMELINE), settings.topics().name(Topics.DEAD_LETTER))
        .withGroupId(settings.topics().group(GROUP_ID))
        .withBulk(settings.bulkDocuments(), settings.flushInterval())
        .withConcurrency(settings.concurrentRequests());
  }

  /** A copy reading {@code topic} and dead-lettering to {@code deadLetterTopic}. */
  public TimelineSinkOptions withTopics(String topic, String deadLetterTopic) {
    return new TimelineSinkOptions(topic, deadLetterTopic, groupId, bulkMaxOperations, bulkMaxBytes,
        flushInterval, maxConcurrentRequests, maxInFlight, initialBackoff, maxBackoff, pollTimeout,
        commitInterval, drainTimeout);
  }

  /** A copy in consumer group {@code groupId}. */
  public TimelineSinkOptions withGroupId(String groupId) {
    return new TimelineSinkOptions(topic, deadLetterTopic, groupId, bulkMaxOperations, bulkMaxBytes,
        flushInterval, maxConcurrentRequests, maxInFlight, initialBackoff, maxBackoff, pollTimeout,
        commitInterval, drainTimeout);
  }

  /** A copy with bulk requests of at most {@code maxOperations} documents, sent at least every {@code flushInterval}. */
  public TimelineSinkOptions withBulk(int maxOperations, Duration flushInterval) {
    return new TimelineSinkOptions(topic, deadLetterTopic, groupId, maxOperations, bulkMaxBytes,
        flushInterval, maxConcurrentRequests, maxInFlight, initialBackoff, maxBackoff, pollTimeout,
        commitInterval, drainTimeout);
  }

  /** A copy with at most {@code maxConcurrentRequests} {@code _bulk} requests in flight at once. */
  public TimelineSinkOptions withConcurrency(int maxConcurrentRequests) {
    return new TimelineSinkOptions(topic, deadLetterTopic, groupId, bulkMaxOperations, bulkMaxBytes,
        flushInterval, maxConcurrentRequests, maxInFlight, initialBackoff, maxBackoff, pollTimeout,
        commitInterval, drainTimeout);
  }

  /** A copy with retry delays from {@code initial} doubling up to {@code max}. */
  public TimelineSinkOptions withBackoff(Duration initial, Duration max) {
    return new TimelineSinkOptions(topic, deadLetterTopic, groupId, bulkMaxOperations, bulkMaxBytes,
        flushInterval, maxConcurrentRequests, maxInFlight, initial, max, pollTimeout,
        commitInterval, drainTimeout);
  }

  /** A copy that waits at most {@code drainTimeout} on close for outstanding documents. */
  public TimelineSinkOptions withDrainTimeout(Duration drainTimeout) {
    return new TimelineSinkOptions(topic, deadLetterTopic, groupId, bulkMaxOperations, bulkMaxBytes,
        flushInterval, maxConcurrentRequests, maxInFlight, initialBackoff, maxBackoff, pollTimeout,
        commitInterval, drainTimeout);
  }

  /**
   * The delay before retry number {@code attempt}: {@code initialBackoff * 2^(attempt-1)}, capped at
   * {@code maxBackoff}.
   *
   * @param attempt 1 for the first retry
   */
  public Duration backoff(int attempt) {
    int shift = Math.max(0, Math.min(attempt - 1, 30));
    long millis = initialBackoff.toMillis() << shift;
    return millis <= 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
  }
}
