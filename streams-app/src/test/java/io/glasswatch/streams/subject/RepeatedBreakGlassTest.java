package io.glasswatch.streams.subject;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.correlation.SubjectRequest;
import io.glasswatch.streams.GlasswatchTopology;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertPolicy;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.catalogue.Severity;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.testing.Events;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** REPEATED_BREAK_GLASS in the subject stage. */
class RepeatedBreakGlassTest {
  private static Instant day(double d) {
    return Events.T0.plus(Duration.ofMinutes((long) (d * 24 * 60)));
  }

  private static GatewayEvent req(String id, String subject, double day) {
    return request(id, subject, ACCOUNT, "jit", day(day));
  }

  @Test
  void fourthRequestWithinThirtyDaysRaisesOnceAndTheFifthNotAgain() {
    ReplayResult three = Scenario.create()
        .then(req("r1", "alice", 0), req("r2", "alice", 10), req("r3", "alice", 20))
        .run();
    ReplayResult r = Scenario.create()
        .then(req("r1", "alice", 0), req("r2", "alice", 10), req("r3", "alice", 20), req("r4", "alice", 25),
            req("r5", "alice", 26))
        .run();

    assertThat(three.alerts()).isEmpty();
    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getAlertType()).isEqualTo("REPEATED_BREAK_GLASS");
      assertThat(a.getSeverity()).isEqualTo("low");
      assertThat(a.getActions()).containsExactly("notify");
      assertThat(a.getCorrelationId()).isEqualTo("r4");
      assertThat(a.getRequestId()).isEqualTo("r4");
      assertThat(a.getAccountId()).isEqualTo(ACCOUNT);
      assertThat(a.getSubject()).isEqualTo("alice");
      assertThat(a.getEvidence()).containsExactly("r1/request/1", "r2/request/1", "r3/request/1", "r4/request/1");
      assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("REPEATED_BREAK_GLASS", "r4", "r1/request/1",
          "r2/request/1", "r3/request/1", "r4/request/1"));
      assertThat(a.getEventTime()).isEqualTo(day(25));
      assertThat(a.getDetectedAt()).isEqualTo(day(25));
      assertThat(a.getSummary()).contains("alice", "4 break-glass requests", "30 days", "at most 3");
    });
    assertThat(r.revokeCommands()).isEmpty();
    TimelineEntry e = Scenario.entry(r, "alert:" + r.alerts().get(0).getAlertId());
    assertThat(e.getCorrelationId()).isEqualTo("r4");
    assertThat(e.getHash()).as("chained by stage C").isNotNull();
    assertThat(e.getSequence()).as("after the request's own entry and its lifecycle step").isEqualTo(3L);
  }

  @Test
  void requestsSpreadBeyondTheWindowDoNotRaise() {
    ReplayResult r = Scenario.create()
        .then(req("s1", "bob", 0), req("s2", "bob", 11), req("s3", "bob", 22), req("s4", "bob", 33),
            req("s5", "bob", 44))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void reArmsOnceTheCountIsBackAtTheThreshold() {
    ReplayResult r = Scenario.create()
        .then(req("t1", "carol", 0), req("t2", "carol", 1), req("t3", "carol", 2), req("t4", "carol", 3),
            // 40 days later: t5's window holds t5 alone, back under the threshold
            req("t5", "carol", 43), req("t6", "carol", 44), req("t7", "carol", 45), req("t8", "carol", 46))
        .run();

    assertThat(r.alerts()).extracting(Alert::getCorrelationId).containsExactly("t4", "t8");
    assertThat(r.alerts().get(1).getEvidence()).containsExactly("t5/request/1", "t6/request/1", "t7/request/1",
        "t8/request/1");
  }

  @Test
  void subjectsAreComparedTrimmedAndCaseInsensitivelyAndOtherSubjectsDoNotCount() {
    ReplayResult r = Scenario.create()
        .then(req("u1", "Dave@Example.com", 0), req("u2", " dave@example.com", 1), req("x1", "erin@example.com", 1),
            req("x2", "erin@example.com", 1.5), req("u3", "DAVE@EXAMPLE.COM", 2), req("u4", "dave@example.com", 3))
        .run();

    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("u4");
      assertThat(a.getSubject()).as("as the first request gave it").isEqualTo("Dave@Example.com");
      assertThat(a.getEvidence()).hasSize(4).doesNotContain("x1/request/1", "x2/request/1");
    });
  }

  @Test
  void aRequestCountsOnceHoweverOftenItsRequestEventArrives() {
    GatewayEvent r3 = req("v3", "frank", 2);
    GatewayEvent r3Again = Events.with(r3, b -> b.setJustification("corrected justification"));
    ReplayResult r = Scenario.create()
        .then(req("v1", "frank", 0), req("v2", "frank", 1), r3, r3, r3Again)
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void accountOverrideOfTheThresholdApplies() {
    Policy strict = Policy.defaults().toBuilder().repeatThreshold(1).build();
    ReplayResult r = Scenario.create().policy(Policy.defaults().toBuilder().account(ACCOUNT, strict).build())
        .then(req("w1", "gina", 0), req("w2", "gina", 1))
        .run();

    assertThat(r.alerts()).extracting(Alert::getCorrelationId).containsExactly("w2");
  }

  @Test
  void aPolicyThatWouldRevokeOnRepeatedBreakGlassIsRefused() {
    AlertPolicy revoking = new AlertPolicy(Severity.LOW, Set.of(Action.NOTIFY, Action.REVOKE), "docs/runbooks.md#x");
    Policy tenantRevokes = Policy.defaults().toBuilder()
        .tenant("payments", Policy.defaults().toBuilder().alert(AlertType.REPEATED_BREAK_GLASS, revoking).build())
        .build();
    StreamsSettings settings = StreamsSettings.from(GlasswatchSettings.builder().build(), tenantRevokes);

    assertThatThrownBy(() -> GlasswatchTopology.build(settings, AvroSerdes.embedded()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tenants.payments.alerts.REPEATED_BREAK_GLASS.actions: revoke is not supported");
    assertThatThrownBy(() -> SubjectCorrelator.supplier(
        Policy.defaults().toBuilder().alert(AlertType.REPEATED_BREAK_GLASS, revoking).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerts.REPEATED_BREAK_GLASS.actions");
  }

  @Test
  void subjectKeyNeedsASubject() {
    assertThat(SubjectRequest.keyOf("  Alice@Example.COM ")).isEqualTo("alice@example.com");
    assertThatThrownBy(() -> SubjectRequest.keyOf(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectRequest.keyOf(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stateSurvivesARoundTrip() {
    SubjectState s = new SubjectState("Alice");
    s.entries.add(new SubjectState.Entry("r1", "r1/request/1", 5L));
    s.latestAt = 5L;
    s.windowMs = 10L;
    s.alerted = true;
    JsonSerde<SubjectState> serde = new JsonSerde<>(SubjectState.class);

    SubjectState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));

    assertThat(back.subject).isEqualTo("Alice");
    assertThat(back.entries).isEqualTo(s.entries);
    assertThat(back.latestAt).isEqualTo(5L);
    assertThat(back.windowMs).isEqualTo(10L);
    assertThat(back.alerted).isTrue();
  }

  @Test
  void requestsWithoutASubjectAreNotCounted() {
    ReplayResult r = Scenario.create()
        .then(req("n1", null, 0), req("n2", " ", 1), req("n3", null, 2), req("n4", null, 3), req("n5", null, 4))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.deadLetters()).isEmpty();
    assertThat(r.timeline()).filteredOn(e -> "event".equals(e.getKind())).hasSize(5);
  }
}
