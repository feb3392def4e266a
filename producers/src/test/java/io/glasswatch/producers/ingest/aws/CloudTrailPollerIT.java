package io.glasswatch.producers.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LookupEvents poller against a CloudTrail wire-protocol server ({@link FakeAwsServer}, from the
 * documented samples) and the test stack's real Kafka and Apicurio Registry.
 */
class CloudTrailPollerIT {
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
  private static final Duration OVERLAP = Duration.ofMinutes(15);
  private static GlasswatchSettings settings;

  private FakeAwsServer aws;
  private IngestKafka kafka;
  private EventProducer producer;
  private final MutableClock clock = new MutableClock(T0);
  private final IngestMetrics metrics = new IngestMetrics(clock);

  @BeforeAll
  static void stack() {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void start() throws Exception {
    aws = new FakeAwsServer();
    kafka = new IngestKafka(settings);
    producer = kafka.producer();
  }

  @AfterEach
  void stop() {
    aws.close();
    producer.close();
    kafka.close();
  }

  private CloudTrailPoller poller(CheckpointStore store, double rate, Duration backoff, int attempts,
      List<Map.Entry<String, String>> filters) {
    return new CloudTrailPoller(aws.cloudTrail(), new CloudTrailPoller.Options("123456789012", "us-east-1", filters,
        OVERLAP, Duration.ofHours(1), backoff, attempts), new RateLimiter(rate), store, producer, metrics, clock);
  }

  private CloudTrailPoller poller(CheckpointStore store) {
    return poller(store, 20, Duration.ofMillis(100), 5, List.of(Map.entry("EventName", "ConsoleLogin")));
  }

  private List<String> producedIds(int expected) {
    return kafka.read(Topics.CLOUDTRAIL_EVENTS, CloudTrailEvent.class, expected).stream()
        .map(r -> r.value().getEventID().toString()).toList();
  }

  @Test
  void pagesThroughEveryFilterAtTwoRequestsPerSecondAndProducesEachEventOnce() throws Exception {
    for (int i = 0; i < 60; i++) {
      aws.addSignIn("evt-" + i, T0.minusSeconds(30 + i * 10L), i < 5 ? "root" : "my-session-name");
    }
    try (CheckpointStore store = kafka.checkpoints()) {
      CloudTrailPoller p = poller(store, 2, Duration.ofMillis(100), 5,
          List.of(Map.entry("EventName", "ConsoleLogin"), Map.entry("Username", "root")));

      PollResult r = p.pollOnce();

      // ConsoleLogin: 2 pages (50 + 10); Username=root: 1 page whose 5 events were seen already
      assertThat(r.requests()).isEqualTo(3);
      assertThat(r.fetched()).isEqualTo(65);
      assertThat(r.duplicates()).isEqualTo(5);
      assertThat(r.produced()).isEqualTo(60);
      assertThat(aws.calls("LookupEvents").get(1).body().get("NextToken").asText()).isEqualTo("50");
      List<FakeAwsServer.Call> calls = aws.calls("LookupEvents");
      // The limiter spaces the sends 500 ms apart; arrival times at the server carry each request's own
      // scheduling delay, so one gap may look shorter when the request before it arrived late. Without the
      // limiter the gaps would be a few milliseconds.
      for (int i = 1; i < calls.size(); i++) {
        assertThat(Duration.ofNanos(calls.get(i).nanoTime() - calls.get(i - 1).nanoTime()))
            .as("gap before request %d", i).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      }
      assertThat(Duration.ofNanos(calls.get(calls.size() - 1).nanoTime() - calls.get(0).nanoTime()))
          .as("first to last of %d requests", calls.size())
          .isGreaterThanOrEqualTo(Duration.ofMillis(500L * (calls.size() - 1) - 60));
    }
    assertThat(producedIds(60)).doesNotHaveDuplicates().hasSize(60);
    assertThat(kafka.count(Topics.CLOUDTRAIL_EVENTS)).isEqualTo(60);
  }

  @Test
  void answersThrottlingWithExponentialBackoffAndThenSucceeds() throws Exception {
    aws.addSignIn("evt-1", T0.minusSeconds(60), "root");
    aws.throttleNext.set(2);
    try (CheckpointStore store = kafka.checkpoints()) {
      PollResult r = poller(store, 100, Duration.ofMillis(400), 5, List.of(Map.entry("EventName", "ConsoleLogin")))
          .pollOnce();

      assertThat(r.produced()).isEqualTo(1);
    }
    List<FakeAwsServer.Call> calls = aws.calls("LookupEvents");
    assertThat(calls).extracting(FakeAwsServer.Call::status).containsExactly(400, 400, 200);
    // attempt 1 waits 200-400 ms, attempt 2 waits 400-800 ms
    assertThat(Duration.ofNanos(calls.get(1).nanoTime() - calls.get(0).nanoTime())).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(Duration.ofNanos(calls.get(2).nanoTime() - calls.get(1).nanoTime())).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(metrics.rejectedCount("cloudtrail", "throttled")).isEqualTo(2);
  }

  @Test
  void keepsTheCheckpointWhenThrottlingOutlastsTheRetries() throws Exception {
    aws.addSignIn("evt-1", T0.minusSeconds(60), "root");
    try (CheckpointStore store = kafka.checkpoints()) {
      CloudTrailPoller p = poller(store, 100, Duration.ofMillis(10), 3, List.of(Map.entry("EventName", "ConsoleLogin")));
      aws.throttleNext.set(3);

      assertThatThrownBy(p::pollOnce).isInstanceOf(AwsIngestException.class)
          .hasMessageContaining("LookupEvents failed after 3 attempts");
      assertThat(store.get(p.checkpointKey())).isEmpty();

      assertThat(p.pollOnce().produced()).isEqualTo(1);
    }
  }

  @Test
  void restartResumesFromTheKafkaCheckpointWithNoDuplicateAndNoGap() throws Exception {
    for (int i = 0; i < 3; i++) {
      aws.addSignIn("before-" + i, T0.minusSeconds(60 + i), "root");
    }
    try (CheckpointStore store = kafka.checkpoints()) {
      assertThat(poller(store).pollOnce().produced()).isEqualTo(3);
    }
    // the process stops; meanwhile new events arrive, and time goes on
    clock.advance(Duration.ofMinutes(30));
    for (int i = 0; i < 4; i++) {
      aws.addSignIn("after-" + i, T0.plus(Duration.ofMinutes(5 + i * 5)), "root");
    }
    try (CheckpointStore restarted = kafka.checkpoints()) {
      assertThat(WindowCheckpoint.parse(restarted.get("cloudtrail:123456789012:us-east-1").orElseThrow()).until())
          .isEqualTo(T0);

      PollResult r = poller(restarted).pollOnce();

      assertThat(r.produced()).isEqualTo(4);
      assertThat(r.duplicates()).isEqualTo(3); // the first run's events, re-read in the overlap, not produced
      assertThat(aws.calls("LookupEvents").getLast().body().get("StartTime").asLong())
          .isEqualTo(T0.minus(OVERLAP).getEpochSecond());
    }
    assertThat(producedIds(7)).containsExactlyInAnyOrder("before-0", "before-1", "before-2", "after-0", "after-1",
        "after-2", "after-3");
    assertThat(kafka.count(Topics.CLOUDTRAIL_EVENTS)).isEqualTo(7);
  }

  @Test
  void picksUpALateDeliveredEventInTheOverlapWindow() throws Exception {
    aws.addSignIn("on-time", T0.minusSeconds(120), "root");
    try (CheckpointStore store = kafka.checkpoints()) {
      CloudTrailPoller p = poller(store);
      assertThat(p.pollOnce().produced()).isEqualTo(1);

      // delivered to the event history after the first poll, with an event time before it
      aws.addSignIn("late", T0.minusSeconds(90), "root");
      clock.advance(Duration.ofMinutes(1));
      PollResult r = p.pollOnce();

      assertThat(r.produced()).isEqualTo(1);
      assertThat(r.duplicates()).isEqualTo(1);
    }
    assertThat(producedIds(2)).containsExactlyInAnyOrder("on-time", "late");
  }

  @Test
  void sendsAnUnreadableRecordToTheDeadLetterTopicNamingTheSource() throws Exception {
    aws.addRaw("broken", T0.minusSeconds(30), "{not json");
    aws.addSignIn("fine", T0.minusSeconds(20), "root");
    try (CheckpointStore store = kafka.checkpoints()) {
      PollResult r = poller(store).pollOnce();

      assertThat(r.produced()).isEqualTo(1);
      assertThat(r.rejected()).isEqualTo(1);
    }
    var dead = kafka.readDeadLetters(1).getFirst();
    assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.FILE).value(), StandardCharsets.UTF_8))
        .isEqualTo("cloudtrail:123456789012:us-east-1");
    assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
        .contains("invalid JSON");
  }
}
