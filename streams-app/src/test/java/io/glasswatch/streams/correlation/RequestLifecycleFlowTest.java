package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.rootPasswordUpdated;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.input.ClockTick;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertPolicy;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.catalogue.Severity;
import io.glasswatch.streams.testing.Driver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request lifecycle through the whole topology: gateway events and CloudTrail records as usual,
 * lifecycle facts piped into the {@code request-lifecycle-facts} repartition topic as stage A sends
 * them (each right after the gateway event it stands for; a copy stage A sends as well is the same
 * step again and changes nothing).
 */
class RequestLifecycleFlowTest {
  @TempDir Path stateDir;

  private static LifecycleFact fact(String requestId, String kind, String event, Instant t, String eventId) {
    return new LifecycleFact(requestId, ACCOUNT, kind, "alice", null, event, t.toEpochMilli(), eventId,
        "approved".equals(event) ? List.of("incident_command", "security") : List.of());
  }

  private static void gateway(Driver d, GatewayEvent e) {
    d.gateway().pipeInput(e.getRequestId() != null ? e.getRequestId() : e.getAccountId(), e, e.getTimestamp());
  }

  private static void fact(Driver d, LifecycleFact f) {
    d.lifecycleFacts().pipeInput(ACCOUNT, f, Instant.ofEpochMilli(f.at()));
  }

  private static void tick(Driver d, Instant t) {
    d.raw(Topics.CLOUDTRAIL_EVENTS).pipeInput(new TestRecord<>(null, null, ClockTick.headers(), t));
  }

  private static List<TimelineEntry> states(List<TimelineEntry> timeline, String requestId) {
    return timeline.stream().filter(e -> "state".equals(e.getKind()) && requestId.equals(e.getCorrelationId()))
        .toList();
  }

  /** Request, two approvals and a 30-minute grant of {@code kind} from minute 0 to 2, with their facts. */
  private static void grantedRequest(Driver d, String requestId, String kind) {
    gateway(d, request(requestId, "alice", ACCOUNT, kind, at(0)));
    fact(d, fact(requestId, kind, "requested", at(0), requestId + "/request/1"));
    gateway(d, approval(requestId, "bob", "incident_command", at(1)));
    gateway(d, approval(requestId, "carol", "security", at(1.5)));
    fact(d, fact(requestId, kind, "approved", at(1.5), requestId + "/approval/2"));
    gateway(d, grant(requestId, "tok-" + requestId, at(2), Duration.ofMinutes(30), true,
        assignment(ACCOUNT, "user-alice")));
    fact(d, fact(requestId, kind, "granted", at(2), requestId + "/grant/1"));
  }

  @Test
  void jitRequestGoesFromRequestedToClosedAndLeavesTheStore() {
    try (Driver d = new Driver(stateDir)) {
      grantedRequest(d, "req-j", "jit");
      gateway(d, usage("req-j", "tok-req-j", "alice", "allow", at(3)));
      fact(d, fact("req-j", "jit", "used", at(3), "req-j/usage/1"));
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-j").state)
          .isEqualTo(RequestLifecycle.State.USED);

      tick(d, at(32));

      List<TimelineEntry> states = states(d.timeline().readValuesToList(), "req-j");
      assertThat(states).extracting(TimelineEntry::getMessage).containsExactly("new -> requested",
          "requested -> approved", "approved -> granted", "granted -> used", "used -> expired", "expired -> closed");
      assertThat(states).extracting(TimelineEntry::getEntryId).containsExactly("state:req-j:requested",
          "state:req-j:approved", "state:req-j:granted", "state:req-j:used", "state:req-j:expired",
          "state:req-j:closed");
      assertThat(states).extracting(TimelineEntry::getAction).contains("lifecycle_closed");
      assertThat(states.get(4).getTimestamp()).as("expired at expiresAt").isEqualTo(at(32));
      assertThat(states.get(4).getEventId()).isEqualTo("req-j/grant/1");
      assertThat(states).allSatisfy(e -> {
        assertThat(e.getRequestId()).isEqualTo("req-j");
        assertThat(e.getSource()).isEqualTo("glasswatch");
      });
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-j"))
          .as("closed requests stay for the grace").isNotNull();

      tick(d, at(37));

      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-j")).isNull();
      AccountState account = d.<AccountState>store(AccountCorrelator.STORE).get(ACCOUNT);
      assertThat(account.lifecycle).isEmpty();
      assertThat(account.closedRequests).containsEntry("req-j", at(32).toEpochMilli());

      // a straggler after the request left: ignored, nothing comes back
      fact(d, fact("req-j", "jit", "consumed", at(38), "req-j/expiry/1"));
      assertThat(states(d.timeline().readValuesToList(), "req-j")).isEmpty();
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-j")).isNull();
    }
  }

  @Test
  void rootRequestWithRootUseClosesAfterTheRotation() {
    try (Driver d = new Driver(stateDir)) {
      grantedRequest(d, "req-r", "root");
      gateway(d, declaration(ACCOUNT, "req-r", at(2.5), 30));
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-r1", ACCOUNT, at(3), "YES", true), at(3));
      d.cloudTrail().pipeInput(ACCOUNT, rootPasswordUpdated("ct-r2", ACCOUNT, at(10)), at(10));

      tick(d, at(32));

      List<TimelineEntry> timeline = d.timeline().readValuesToList();
      List<TimelineEntry> states = states(timeline, "req-r");
      assertThat(states).extracting(TimelineEntry::getMessage).containsExactly("new -> requested",
          "requested -> approved", "approved -> granted", "granted -> used", "used -> expired",
          "expired -> rotated", "rotated -> closed");
      assertThat(states.get(3).getEventId()).as("used = the covered root login").isEqualTo("ct-r1");
      assertThat(states.get(5).getTimestamp()).as("rotated at the end of the grant").isEqualTo(at(32));
      assertThat(timeline).extracting(TimelineEntry::getEntryId)
          .as("the used entry follows the login it stands for")
          .containsSubsequence("cloudtrail:ct-r1", "state:req-r:used");
      tick(d, at(40));
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-r")).isNull();
    }
  }

  @Test
  void rootUseWithoutRotationKeepsTheRequestOpen() {
    try (Driver d = new Driver(stateDir)) {
      grantedRequest(d, "req-n", "root");
      gateway(d, declaration(ACCOUNT, "req-n", at(2.5), 30));
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-n1", ACCOUNT, at(3), "YES", true), at(3));

      tick(d, at(32 + 24 * 60 + 1));

      assertThat(states(d.timeline().readValuesToList(), "req-n")).extracting(TimelineEntry::getMessage)
          .endsWith("granted -> used", "used -> expired");
      assertThat(d.alerts().readValuesToList()).extracting(a -> a.getAlertType()).containsExactly("ROTATION_OVERDUE");
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-n").state)
          .isEqualTo(RequestLifecycle.State.EXPIRED);
    }
  }

  @Test
  void lateFactsAreRecordedWithoutMovingTheMachineBackwards() {
    try (Driver d = new Driver(stateDir)) {
      fact(d, fact("req-o", "jit", "requested", at(0), "req-o/request/1"));
      fact(d, fact("req-o", "jit", "granted", at(2), "req-o/grant/1"));
      fact(d, fact("req-o", "jit", "approved", at(1), "req-o/approval/2"));
      fact(d, fact("req-o", "jit", "granted", at(2), "req-o/grant/1"));

      List<TimelineEntry> states = states(d.timeline().readValuesToList(), "req-o");
      assertThat(states).extracting(TimelineEntry::getEntryId)
          .containsExactly("state:req-o:requested", "state:req-o:granted", "state:req-o:late-approved");
      assertThat(states.get(2).getMessage()).isEqualTo("late approved at " + at(1) + ": the state stays granted");
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-o").state)
          .isEqualTo(RequestLifecycle.State.GRANTED);
    }
  }

  @Test
  void neverGrantedRequestClosesAfterTheRetention() {
    try (Driver d = new Driver(stateDir)) {
      gateway(d, request("req-q", "alice", ACCOUNT, "jit", at(0)));
      fact(d, fact("req-q", "jit", "requested", at(0), "req-q/request/1"));

      tick(d, at(7 * 24 * 60 + 10));

      List<TimelineEntry> states = states(d.timeline().readValuesToList(), "req-q");
      assertThat(states).extracting(TimelineEntry::getMessage).containsExactly("new -> requested",
          "requested -> closed");
      assertThat(states.get(1).getTimestamp()).isEqualTo(at(7 * 24 * 60));
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-q")).isNull();
    }
  }

  @Test
  void theCoveringRequestsTenantPolicyJudgesItsSession() {
    Policy acme = Policy.defaults().toBuilder().decisionDelay(Duration.ofMinutes(1))
        .alert(AlertType.MISSING_AUDIT_RECORD, new AlertPolicy(Severity.HIGH, Set.of(Action.NOTIFY),
            "docs/runbooks.md#missing-audit-record"))
        .build();
    try (Driver d = new Driver(stateDir, Policy.defaults().toBuilder().tenant("acme", acme).build(), false)) {
      gateway(d, request("req-t", "alice", ACCOUNT, "root", at(0)));
      d.lifecycleFacts().pipeInput(ACCOUNT, new LifecycleFact("req-t", ACCOUNT, "root", "alice", "acme", "requested",
          at(0).toEpochMilli(), "req-t/request/1", List.of()), at(0));
      gateway(d, approval("req-t", "bob", "incident_command", at(1)));
      gateway(d, approval("req-t", "carol", "security", at(1.2)));
      gateway(d, grant("req-t", "tok-t", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")));
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-t1", ACCOUNT, at(3), "YES", true), at(3));

      tick(d, at(4));

      assertThat(d.alerts().readValuesToList()).singleElement().satisfies(a -> {
        assertThat(a.getAlertType()).isEqualTo("MISSING_AUDIT_RECORD");
        assertThat(a.getSeverity()).as("tenant acme's policy").isEqualTo("high");
        assertThat(a.getDetectedAt()).as("tenant acme's decision delay").isEqualTo(at(4));
      });
    }
  }

  @Test
  void anUnreadableOrUnknownFactGoesToTheDeadLetterTopicAndTheRestGoesOn() {
    String topic = Driver.APPLICATION_ID + "-request-lifecycle-facts-repartition";
    try (Driver d = new Driver(stateDir)) {
      var raw = d.driver().createInputTopic(topic, new StringSerializer(), new StringSerializer());
      raw.pipeInput(ACCOUNT, "not json", at(0));
      raw.pipeInput(ACCOUNT, "{\"requestId\":\"req-x\",\"accountId\":\"" + ACCOUNT + "\",\"event\":\"paused\",\"at\":0}",
          at(0));
      fact(d, fact("req-y", "jit", "requested", at(1), "req-y/request/1"));

      List<TestRecord<byte[], byte[]>> dead = d.deadLetter().readRecordsToList();
      assertThat(dead).hasSize(2).allSatisfy(r -> assertThat(
          DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic));
      assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
      assertThat(states(d.timeline().readValuesToList(), "req-y")).extracting(TimelineEntry::getEntryId)
          .containsExactly("state:req-y:requested");
      assertThat(d.<RequestLifecycle>store(AccountCorrelator.LIFECYCLE_STORE).get("req-x")).isNull();
    }
  }
}
