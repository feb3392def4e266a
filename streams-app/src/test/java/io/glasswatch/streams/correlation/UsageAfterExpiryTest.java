package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.result;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageAfterExpiryTest {
  /** A multi-use grant from minute 3 to minute 33. */
  private static Scenario granted() {
    return Scenario.create().then(
        request("req-2", "alice", ACCOUNT, "jit", at(0)),
        approval("req-2", "bob", "security", at(1)),
        approval("req-2", "dana", "incident_command", at(1)),
        grant("req-2", "tok-2", at(3), Duration.ofMinutes(30), false, assignment(ACCOUNT, "user-alice")));
  }

  @Test
  void allowedUsageAtOrAfterExpiresAtRaisesAndRevokes() {
    ReplayResult r = granted().then(usage("req-2", "tok-2", "alice", "allow", at(33))).run();

    List<Alert> alerts = Scenario.alertsOf(r, "USAGE_AFTER_EXPIRY");
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("USAGE_AFTER_EXPIRY", "req-2", "req-2/usage/1"));
    assertThat(a.getEvidence()).containsExactly("req-2/usage/1", "req-2/grant/1");
    assertThat(a.getSeverity()).isEqualTo("high");
    assertThat(a.getRevokedRequestIds()).containsExactly("req-2");
    assertThat(r.revokeCommands()).filteredOn(c -> c.getTrigger().equals("alert")).singleElement()
        .satisfies(c -> assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice")));
    assertThat(r.revokeCommands()).as("the expiry sweep of the grant itself")
        .anySatisfy(c -> assertThat(c.getTrigger()).isEqualTo("expiry"));
  }

  @Test
  void usageBeforeExpiryIsFine() {
    ReplayResult r = granted().then(usage("req-2", "tok-2", "alice", "allow", at(32.9))).run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void deniedUsageAfterExpiryIsTheGatewayDoingItsJob() {
    ReplayResult r = granted()
        .then(expiry("req-2", "ttl_elapsed", at(20)), usage("req-2", "tok-2", "alice", "deny", at(40)))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void allowedUsageAfterAnExpiryEventRaises() {
    ReplayResult r = granted()
        .then(expiry("req-2", "consumed", at(10)), usage("req-2", "tok-2", "alice", "allow", at(11)))
        .run();

    assertThat(Scenario.alertsOf(r, "USAGE_AFTER_EXPIRY")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly("req-2/usage/1", "req-2/expiry/1"));
  }

  @Test
  void expiryArrivingAfterTheUsageItPrecedesStillRaises() {
    ReplayResult r = granted()
        .then(usage("req-2", "tok-2", "alice", "allow", at(11)), expiry("req-2", "consumed", at(10)))
        .run();

    assertThat(Scenario.alertsOf(r, "USAGE_AFTER_EXPIRY")).hasSize(1);
  }

  @Test
  void allowedUsageAfterAConfirmedRevocationRaisesOncePerUsage() {
    // a first result confirms the revoke of an earlier command issued at minute 5
    RevokeCommand earlier = RevokeCommand.newBuilder().setCommandId("cmd-manual-1").setRequestId("req-2")
        .setCorrelationId("req-2").setTrigger("manual").setReason("operator").setAssignment(assignment(ACCOUNT, "user-alice"))
        .setIssuedAt(at(5)).build();
    ReplayResult r = granted()
        .then(result(earlier, "CONFIRMED", Instant.parse("2025-03-01T10:05:01Z")),
            usage("req-2", "tok-2", "alice", "allow", at(6)),
            usage("req-2", "tok-2", "alice", "allow", at(7)))
        .run();

    List<Alert> alerts = Scenario.alertsOf(r, "USAGE_AFTER_EXPIRY");
    assertThat(alerts).extracting(a -> a.getEvidence().get(0)).containsExactly("req-2/usage/1", "req-2/usage/2");
    assertThat(alerts.get(0).getEvidence()).contains("cmd-manual-1");
    assertThat(Scenario.entry(r, "revoke:cmd-manual-1:confirmed"))
        .satisfies(e -> {
          assertThat(e.getAction()).isEqualTo("revoke_confirmed");
          assertThat(e.getKind()).isEqualTo("enforcement");
          assertThat(e.getOutcome()).isEqualTo("success");
          assertThat(e.getCorrelationId()).isEqualTo("req-2");
          assertThat(e.getMessage()).contains("950 ms");
        });
  }

  @Test
  void failedRevocationDoesNotEndTheGrant() {
    RevokeCommand earlier = RevokeCommand.newBuilder().setCommandId("cmd-manual-2").setRequestId("req-2")
        .setCorrelationId("req-2").setTrigger("manual").setReason("operator").setIssuedAt(at(5)).build();
    ReplayResult r = granted()
        .then(result(earlier, "FAILED", Instant.parse("2025-03-01T10:05:01Z")),
            usage("req-2", "tok-2", "alice", "allow", at(6)))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(Scenario.entry(r, "revoke:cmd-manual-2:failed").getOutcome()).isEqualTo("failure");
  }
}
