package io.glasswatch.streams.replay;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.in;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootCall;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.rootUsageFinding;
import static io.glasswatch.streams.testing.Events.tick;
import static io.glasswatch.streams.testing.Events.usage;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.streams.enforcement.SweeperSettings;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplayDriver} (a commit every N records, outputs handed on as produced) gives exactly what the
 * driver's own path (a commit after every record) gives: the same alerts, revoke commands, chained
 * timeline and dead letters, in the same order.
 */
class ReplayDriverTest {
  /** Stage A, subject stage, stage B and stage C at work, with a late record, a dead letter and ticks. */
  private static List<InputRecord> mixedInput() {
    List<InputRecord> in = new ArrayList<>();
    in.add(in(request("req-a", "alice", ACCOUNT, "root", at(0))));
    in.add(in(approval("req-a", "bob", "incident_command", at(1))));
    in.add(in(approval("req-a", "alice", "security", at(1.5))));
    in.add(in(grant("req-a", "tok-a", at(2), Duration.ofHours(2), true, assignment(ACCOUNT, "user-alice"))));
    in.add(in(rootLogin("ct-r1", ACCOUNT, at(3), "No", true)));
    in.add(in(usage("req-a", "tok-a", "alice", "allow", at(4))));
    in.add(in(usage("req-a", "tok-a", "alice", "allow", at(5))));
    in.add(in(rootCall("ct-r2", ACCOUNT, at(6), "iam.amazonaws.com", "CreateUser", null, null)));
    in.add(in(GatewayEvent.newBuilder(request("req-bad", "carol", ACCOUNT, "jit", at(6))).setType("bogus").build()));
    for (int i = 0; i < 60; i++) {
      in.add(in(userCall("bg-" + i, i % 2 == 0 ? ACCOUNT : "444455556666", at(7 + i * 0.5), "DescribeInstances")));
    }
    in.add(in(rootLogin("ct-late", "444455556666", at(8), "Yes", true)));
    in.add(in(rootUsageFinding("gd-1", "444455556666", at(9), false)));
    in.add(in(declaration(ACCOUNT, "req-a", at(10), 30)));
    in.add(tick(at(40)));
    in.add(in(expiry("req-a", "ttl_elapsed", at(122))));
    in.add(in(rootLogin("ct-last", ACCOUNT, at(123), "Yes", true)));
    return in;
  }

  @Test
  void committingEveryFewRecordsGivesWhatCommittingAfterEachGives() {
    ReplayResult own = new Replayer(Policy.defaults(), SweeperSettings.DEFAULTS, 0).replay(mixedInput());
    ReplayResult fast = new Replayer(Policy.defaults(), SweeperSettings.DEFAULTS, 7).replay(mixedInput());

    assertThat(own.alerts()).as("the input raises alerts of several stages").hasSizeGreaterThan(3);
    assertThat(own.revokeCommands()).isNotEmpty();
    assertThat(own.deadLetters()).hasSize(1);
    assertThat(fast.alerts()).containsExactlyElementsOf(own.alerts());
    assertThat(fast.revokeCommands()).containsExactlyElementsOf(own.revokeCommands());
    assertThat(fast.timeline()).containsExactlyElementsOf(own.timeline());
    assertThat(fast.deadLetters()).containsExactlyElementsOf(own.deadLetters());
    assertThat(fast.inputCounts()).isEqualTo(own.inputCounts());
  }

  @Test
  void theFastPathReadsThisKafkaStreamsVersionsDriver() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("in", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to("out", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "replay-driver-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay.invalid:9092");
    try (TopologyTestDriver d = new TopologyTestDriver(b.build(), p)) {
      List<String> out = new ArrayList<>();
      ReplayDriver fast = ReplayDriver.of(d, r -> out.add(r.topic()), 1);
      assertThat(fast).as("TopologyTestDriver's fields are the expected ones, else replay falls back").isNotNull();
      fast.pipe("in", null, new byte[] {1}, new RecordHeaders(), 0L);
      assertThat(out).containsExactly("out");
      assertThat(fast.sinceCommit()).as("committed after the one record").isZero();
      assertThatThrownBy(() -> fast.pipe("elsewhere", null, new byte[] {1}, new RecordHeaders(), 0L))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("elsewhere");
      assertThatThrownBy(() -> ReplayDriver.of(d, r -> {}, 0)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
