package io.glasswatch.streams.enforcement;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Overlapping grants: a violation revokes an assignment another active grant of the same principal
 * also relies on. The command names it, its timeline records it, and the alert says so, whether the
 * request stage (A) or the account stage (B) decided it.
 */
class OverlappingGrantsTest {
  private static final AccountAssignment SHARED = assignment(ACCOUNT, "user-alice");

  private static GatewayEvent[] granted(String requestId, String subject, String kind, double minute,
      AccountAssignment a) {
    return new GatewayEvent[] {request(requestId, subject, ACCOUNT, kind, at(minute - 1)),
        approval(requestId, "bob", "security", at(minute - 0.6)),
        approval(requestId, "ivy", "incident_command", at(minute - 0.5)),
        grant(requestId, "tok-" + requestId, at(minute), Duration.ofHours(1), false, a)};
  }

  private static List<RevokeCommand> alertRevokes(ReplayResult r) {
    return r.revokeCommands().stream().filter(c -> c.getTrigger().equals("alert")).toList();
  }

  @Test
  void requestAlertRevokeNamesTheOtherActiveGrantOfThePrincipalAndRecordsItInItsTimeline() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", "jit", 0, SHARED))
        .then(granted("req-2", "alice", "jit", 5, SHARED))
        .then(approval("req-1", "alice", "security", at(10)))
        .tick(at(20))
        .run();

    assertThat(alertRevokes(r)).singleElement().satisfies(c -> {
      assertThat(c.getRequestId()).isEqualTo("req-1");
      assertThat(c.getAlsoRevokedRequestIds()).containsExactly("req-2");
    });
    RevokeCommand cmd = alertRevokes(r).get(0);
    TimelineEntry overlap = Scenario.entry(r, "revoke:" + cmd.getCommandId() + ":overlap:req-2");
    assertThat(overlap.getCorrelationId()).isEqualTo("req-2");
    assertThat(overlap.getAction()).isEqualTo("revoke_overlap");
    assertThat(overlap.getMessage()).contains("req-1").contains("ends too");

    // the stage A alert that caused the revoke says so too, and its record agrees with it
    Alert alert = r.alerts().stream().filter(a -> a.getAlertId().equals(cmd.getAlertId())).findFirst().orElseThrow();
    assertThat(alert.getAlertType()).isEqualTo("SELF_APPROVAL");
    assertThat(alert.getRevokedRequestIds()).containsExactly("req-1", "req-2");
    assertThat(alert.getSummary()).endsWith("The same account assignment also serves the active grant of request req-2"
        + " (same principal), which the revoke ends too.");
    assertThat(r.alerts()).filteredOn(a -> a.getAlertId().equals(alert.getAlertId())).hasSize(1);
    TimelineEntry alertEntry = Scenario.entry(r, "alert:" + alert.getAlertId());
    TimelineEntry requested = Scenario.entry(r, "revoke:" + cmd.getCommandId() + ":requested");
    assertThat(alertEntry.getCorrelationId()).isEqualTo("req-1");
    assertThat(alertEntry.getMessage()).isEqualTo(alert.getSummary());
    assertThat(requested.getCorrelationId()).isEqualTo("req-1");
    assertThat(requested.getMessage()).contains("also serves the active grant of request req-2");
    assertThat(alertEntry.getSequence()).as("the alert precedes the revoke it caused in the request's chain")
        .isLessThan(requested.getSequence());
  }

  @Test
  void aRequestAlertWithoutOverlapIsPublishedOnceWithItsOwnRevokeOnly() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", "jit", 0, SHARED))
        .then(approval("req-1", "alice", "security", at(10)))
        .tick(at(20))
        .run();

    RevokeCommand cmd = alertRevokes(r).get(0);
    assertThat(r.alerts()).filteredOn(a -> a.getAlertId().equals(cmd.getAlertId())).singleElement().satisfies(a -> {
      assertThat(a.getRevokedRequestIds()).containsExactly("req-1");
      assertThat(a.getSummary()).doesNotContain("also serves");
    });
    assertThat(Scenario.entry(r, "alert:" + cmd.getAlertId()).getSequence())
        .isLessThan(Scenario.entry(r, "revoke:" + cmd.getCommandId() + ":requested").getSequence());
  }

  @Test
  void aGrantOfAnotherPrincipalOrAnExpiredOneIsNoOverlap() {
    ReplayResult r = Scenario.create()
        .then(granted("req-0", "alice", "jit", -100, SHARED))
        .then(granted("req-1", "alice", "jit", 0, SHARED))
        .then(granted("req-3", "dave", "jit", 2, assignment(ACCOUNT, "user-dave")))
        .then(approval("req-1", "alice", "security", at(10)))
        .tick(at(20))
        .run();

    assertThat(alertRevokes(r)).singleElement()
        .satisfies(c -> assertThat(c.getAlsoRevokedRequestIds()).isEmpty());
  }

  @Test
  void accountAlertRevokeSaysSoInTheAlertAndTheOverlappingGrantIsNotSweptLater() {
    ReplayResult r = Scenario.create()
        .then(granted("req-a", "alice", "root", 10, SHARED))
        .then(declaration(ACCOUNT, "req-a", at(10), 60))
        .then(granted("req-j", "alice", "jit", 12, SHARED))
        .then(rootCall("ct-1", ACCOUNT, at(15), "iam.amazonaws.com", "CreateUser", "{\"userName\":\"tracy\"}", null))
        .tick(at(200))
        .run();

    List<Alert> anti = Scenario.alertsOf(r, "ROOT_ANTIPATTERN");
    assertThat(anti).singleElement().satisfies(a -> {
      assertThat(a.getRequestId()).isEqualTo("req-a");
      assertThat(a.getRevokedRequestIds()).containsExactly("req-a", "req-j");
      assertThat(a.getSummary()).contains("also serves the active grant of request req-j");
    });
    assertThat(alertRevokes(r)).singleElement().satisfies(c -> {
      assertThat(c.getRequestId()).isEqualTo("req-a");
      assertThat(c.getAlsoRevokedRequestIds()).containsExactly("req-j");
    });
    assertThat(r.revokeCommands()).as("req-j lost its assignment with the revoke: no sweep of its end")
        .noneMatch(c -> c.getTrigger().equals("expiry"));
  }
}
