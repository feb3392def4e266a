package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.in;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.streams.GlasswatchTopology;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage B reads an account only when a record needs its state or its due time comes: deadlines still
 * fire on time while only background CloudTrail records arrive, and state left by closed requests is
 * dropped once its retention passes.
 */
class AccountDueIndexTest {
  private static final String OTHER = "444455556666";

  @Test
  void aDeadlineFiresWhenOnlyBackgroundRecordsMoveStreamTime() {
    List<SpecificRecord> input = new ArrayList<>();
    input.add(rootLogin("ct-root", ACCOUNT, at(0), "YES", true));
    for (int i = 1; i <= 49; i++) {
      input.add(userCall("bg-" + i, i % 2 == 0 ? ACCOUNT : OTHER, at(i * 0.1), "DescribeInstances"));
    }
    // At 4.9 min the decision delay has not passed in event time: only the end of the replay's input
    // decides the root login (SPEC 5), at the last stream time, so the delay itself is not what fired.
    ReplayResult early = Scenario.create().then(input.toArray(SpecificRecord[]::new)).run();
    assertThat(Scenario.alertsOf(early, "UNAUTHORIZED_ROOT_USE")).as("4.9 min: decided by the end of input")
        .singleElement().satisfies(a -> assertThat(a.getDetectedAt()).isEqualTo(at(4.9)));

    input.add(userCall("bg-50", OTHER, at(5), "DescribeInstances"));
    ReplayResult r = Scenario.create().then(input.toArray(SpecificRecord[]::new)).run();

    List<Alert> alerts = Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE");
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).getDetectedAt()).as("decided when the decision delay ends").isEqualTo(at(5));
    assertThat(r.timeline()).filteredOn(e -> e.getEntryId().startsWith("cloudtrail:bg-")).hasSize(50)
        .allSatisfy(e -> assertThat(e.getCorrelationId()).startsWith("account:"));
  }

  @Test
  void stateOfAClosedRequestLeavesOnceRetentionPasses(@TempDir Path dir) throws Exception {
    Policy policy = Policy.defaults();
    StreamsSettings settings = new StreamsSettings("due-index-test", "unused.invalid:9092", dir, policy, 0,
        StreamsSettings.DEFAULT_COMMIT_INTERVAL, StreamsConfig.AT_LEAST_ONCE, 1, Duration.ZERO, "");
    AvroSerdes serdes = AvroSerdes.embedded();
    try (TopologyTestDriver driver = new TopologyTestDriver(GlasswatchTopology.build(settings, serdes),
        settings.toProperties(), at(0))) {
      Map<String, TestInputTopic<String, byte[]>> topics = new TreeMap<>();
      List<SpecificRecord> lifecycle = List.of(
          request("req-d", "alice", ACCOUNT, "jit", at(0)),
          approval("req-d", "bob", "incident_command", at(0.5)),
          approval("req-d", "dana", "security", at(0.5)),
          grant("req-d", "tok-d", at(1), Duration.ofMinutes(30), false, assignment(ACCOUNT, "user-alice")),
          userCall("bg-1", ACCOUNT, at(2), "DescribeInstances"),
          userCall("bg-2", ACCOUNT, at(40), "DescribeInstances"));
      lifecycle.forEach(v -> pipe(driver, topics, serdes, in(v)));

      assertThat(keys(driver, AccountCorrelator.STORE)).containsExactly(ACCOUNT);
      assertThat(keys(driver, AccountCorrelator.DUE_STORE)).singleElement().asString().endsWith("|" + ACCOUNT);

      Instant later = at(0).plus(policy.stateRetention()).plus(Duration.ofHours(2));
      pipe(driver, topics, serdes, in(userCall("bg-3", OTHER, later, "DescribeInstances")));

      assertThat(keys(driver, AccountCorrelator.STORE)).as("account state of the closed request").isEmpty();
      assertThat(keys(driver, AccountCorrelator.LIFECYCLE_STORE)).isEmpty();
      assertThat(keys(driver, AccountCorrelator.DUE_STORE)).isEmpty();
      assertThat(keys(driver, AccountCorrelator.ACCOUNT_CHAIN_STORE)).as("account chains continue for good")
          .containsExactlyInAnyOrder("account:" + ACCOUNT, "account:" + OTHER);
    }
  }

  private static void pipe(TopologyTestDriver driver, Map<String, TestInputTopic<String, byte[]>> topics,
      AvroSerdes serdes, InputRecord r) {
    TestInputTopic<String, byte[]> topic = topics.computeIfAbsent(r.topic(),
        t -> driver.createInputTopic(t, new StringSerializer(), new ByteArraySerializer()));
    @SuppressWarnings("unchecked")
    Class<SpecificRecord> type = (Class<SpecificRecord>) r.value().getClass();
    byte[] bytes = serdes.value(type).serializer().serialize(r.topic(), r.value());
    topic.pipeInput(r.key(), bytes);
  }

  private static List<String> keys(TopologyTestDriver driver, String store) {
    KeyValueStore<String, Object> s = driver.getKeyValueStore(store);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Object> it = s.all()) {
      it.forEachRemaining((KeyValue<String, Object> kv) -> keys.add(kv.key));
    }
    return keys;
  }
}
