package io.glasswatch.producers.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.common.IngestSettings;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The findings poller against a GuardDuty wire-protocol server ({@link FakeAwsServer}, from the
 * documented samples) and the test stack's real Kafka and Apicurio Registry.
 */
class GuardDutyPollerIT {
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
  private static final String ROOT = "Policy:IAMUser/RootCredentialUsage";
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

  private GuardDutyPoller poller(CheckpointStore store) {
    return new GuardDutyPoller(aws.guardDuty(), new GuardDutyPoller.Options("123456789012", "us-east-1",
        IngestSettings.IAM_FINDING_TYPES, Duration.ofMinutes(10), Duration.ofHours(24), Duration.ofMillis(300), 5),
        new RateLimiter(50), store, producer, metrics, clock);
  }

  private List<String> produced(int expected) {
    return kafka.read(Topics.GUARDDUTY_FINDINGS, GuardDutyFinding.class, expected).stream()
        .map(r -> r.value().getId() + "@" + r.value().getUpdatedAt().toEpochMilli()).toList();
  }

  @Test
  void pagesFindingIdsAndFetchesThemInBatchesOfFifty() throws Exception {
    for (int i = 0; i < 120; i++) {
      aws.putFinding(String.format("f%03d", i), ROOT, T0.minusSeconds(600 + i));
    }
    aws.putFinding("ec2-finding", "Backdoor:EC2/C&CActivity.B", T0.minusSeconds(60));
    try (CheckpointStore store = kafka.checkpoints()) {
      PollResult r = poller(store).pollOnce();

      assertThat(r.produced()).isEqualTo(120);
    }
    assertThat(aws.calls("ListFindings")).hasSize(3);
    var first = aws.calls("ListFindings").getFirst().body();
    assertThat(first.at("/findingCriteria/criterion/updatedAt/greaterThanOrEqual").asLong())
        .isEqualTo(T0.minus(Duration.ofHours(24)).toEpochMilli());
    assertThat(first.at("/findingCriteria/criterion/type/eq").toString()).contains(ROOT).doesNotContain("EC2");
    assertThat(first.at("/sortCriteria/attributeName").asText()).isEqualTo("updatedAt");
    List<Integer> batches = new ArrayList<>();
    aws.calls("GetFindings").forEach(c -> batches.add(c.body().get("findingIds").size()));
    assertThat(batches).containsExactly(50, 50, 20);
    assertThat(produced(120)).doesNotHaveDuplicates();
    assertThat(kafka.count(Topics.GUARDDUTY_FINDINGS)).isEqualTo(120);
  }

  @Test
  void restartResumesFromTheCheckpointAndProducesUpdatedFindingsAgain() throws Exception {
    aws.putFinding("a", ROOT, T0.minusSeconds(300));
    aws.putFinding("b", ROOT, T0.minusSeconds(200));
    try (CheckpointStore store = kafka.checkpoints()) {
      assertThat(poller(store).pollOnce().produced()).isEqualTo(2);
    }
    clock.advance(Duration.ofMinutes(5));
    aws.putFinding("b", ROOT, T0.plusSeconds(60)); // updated: new updatedAt
    aws.putFinding("c", ROOT, T0.plusSeconds(120));
    try (CheckpointStore restarted = kafka.checkpoints()) {
      PollResult r = poller(restarted).pollOnce();

      assertThat(r.produced()).isEqualTo(2);
      assertThat(r.duplicates()).isEqualTo(1); // "a", re-read in the overlap
    }
    assertThat(produced(4)).containsExactlyInAnyOrder("a@" + T0.minusSeconds(300).toEpochMilli(),
        "b@" + T0.minusSeconds(200).toEpochMilli(), "b@" + T0.plusSeconds(60).toEpochMilli(),
        "c@" + T0.plusSeconds(120).toEpochMilli());
  }

  @Test
  void answersThrottlingWithBackoff() throws Exception {
    aws.putFinding("a", ROOT, T0.minusSeconds(300));
    aws.throttleNext.set(1);
    try (CheckpointStore store = kafka.checkpoints()) {
      assertThat(poller(store).pollOnce().produced()).isEqualTo(1);
    }
    var detectors = aws.calls("ListDetectors");
    assertThat(detectors).extracting(FakeAwsServer.Call::status).containsExactly(429, 200);
    assertThat(Duration.ofNanos(detectors.get(1).nanoTime() - detectors.get(0).nanoTime()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }
}
