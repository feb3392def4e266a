package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenReuseTest {
  private static Scenario granted(Boolean singleUse) {
    return Scenario.create().then(
        request("req-1", "alice", ACCOUNT, "jit", at(0)),
        approval("req-1", "bob", "incident_command", at(1)),
        approval("req-1", "carol", "security", at(2)),
        grant("req-1", "tok-secret-1", at(3), Duration.ofHours(1), singleUse, assignment(ACCOUNT, "user-alice")));
  }

  @Test
  void raisesTokenReuseAndRevokesTheGrantsAssignmentOnSecondUse() {
    ReplayResult r = granted(null)
        .then(usage("req-1", "tok-secret-1", "alice", "allow", at(4)),
            usage("req-1", "tok-secret-1", "alice", "deny", at(5)))
        .run();

    List<Alert> alerts = Scenario.alertsOf(r, "TOKEN_REUSE");
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getSeverity()).isEqualTo("high");
    assertThat(a.getCorrelationId()).isEqualTo("req-1");
    assertThat(a.getRequestId()).isEqualTo("req-1");
    assertThat(a.getAccountId()).isEqualTo(ACCOUNT);
    assertThat(a.getSubject()).isEqualTo("alice");
    assertThat(a.getEvidence()).containsExactly("req-1/usage/1", "req-1/usage/2");
    assertThat(a.getAlertId())
        .isEqualTo(Hashing.deterministicId("TOKEN_REUSE", "req-1", "req-1/usage/1", "req-1/usage/2"));
    assertThat(a.getEventTime()).isEqualTo(at(5));
    assertThat(a.getDetectedAt()).isEqualTo(at(5));
    assertThat(a.getActions()).containsExactly("revoke");
    assertThat(a.getRevokedRequestIds()).containsExactly("req-1");
    assertThat(a.getRunbook()).isEqualTo("docs/runbooks.md#token-reuse");
    assertThat(a.getSummary()).doesNotContain("tok-secret-1");

    assertThat(r.revokeCommands()).hasSize(1);
    RevokeCommand c = r.revokeCommands().get(0);
    assertThat(c.getCommandId()).isEqualTo(Hashing.deterministicId("revoke", a.getAlertId(), "req-1"));
    assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));
    assertThat(c.getTrigger()).isEqualTo("alert");
    assertThat(c.getAlertId()).isEqualTo(a.getAlertId());
    assertThat(c.getIssuedAt()).isEqualTo(at(5));
    assertThat(c.getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint("tok-secret-1"));
    assertThat(c.getReason()).startsWith("TOKEN_REUSE: ");

    TimelineEntry alertEntry = Scenario.entry(r, "alert:" + a.getAlertId());
    assertThat(alertEntry.getKind()).isEqualTo("alert");
    assertThat(alertEntry.getAction()).isEqualTo("TOKEN_REUSE");
    assertThat(alertEntry.getCorrelationId()).isEqualTo("req-1");
    TimelineEntry revokeEntry = Scenario.entry(r, "revoke:" + c.getCommandId() + ":requested");
    assertThat(revokeEntry.getKind()).isEqualTo("enforcement");
    assertThat(revokeEntry.getAction()).isEqualTo("revoke_requested");
  }

  @Test
  void alertsOncePerTokenEvenOnAThirdUse() {
    ReplayResult r = granted(true)
        .then(usage("req-1", "tok-secret-1", "alice", "allow", at(4)),
            usage("req-1", "tok-secret-1", "alice", "allow", at(5)),
            usage("req-1", "tok-secret-1", "alice", "deny", at(6)))
        .run();

    assertThat(Scenario.alertsOf(r, "TOKEN_REUSE")).hasSize(1);
    assertThat(r.revokeCommands()).hasSize(1);
  }

  @Test
  void singleUsageIsNotReuse() {
    ReplayResult r = granted(null).then(usage("req-1", "tok-secret-1", "alice", "allow", at(4))).run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void multiUseTokenMayBeUsedTwice() {
    ReplayResult r = granted(false)
        .then(usage("req-1", "tok-secret-1", "alice", "allow", at(4)),
            usage("req-1", "tok-secret-1", "alice", "allow", at(5)))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void reDeliveredUsageIsNotASecondUse() {
    var once = usage("req-1", "tok-secret-1", "alice", "allow", at(4));
    ReplayResult r = granted(null).then(once, once).run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.timeline()).extracting(TimelineEntry::getEntryId).containsOnlyOnce("gateway:req-1/usage/1")
        .doesNotContain("gateway:req-1/usage/2");
  }

  @Test
  void singleUseIsDecidedByTheGrantOfThatTokenNotTheLatestGrant() {
    ReplayResult r = granted(false)
        .then(grant("req-1", "tok-secret-2", at(3.5), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            usage("req-1", "tok-secret-1", "alice", "allow", at(4)),
            usage("req-1", "tok-secret-1", "alice", "allow", at(5)))
        .run();

    // the second grant is itself a violation (revoked at once, so both usages come after a revocation)
    assertThat(r.alerts()).extracting(Alert::getAlertType)
        .containsExactly("EXPIRY_EXTENDED", "USAGE_AFTER_EXPIRY", "USAGE_AFTER_EXPIRY");
  }
}
