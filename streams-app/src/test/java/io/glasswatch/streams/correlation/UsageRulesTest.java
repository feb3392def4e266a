package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.usage;
import static io.glasswatch.streams.testing.Events.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SCOPE_ESCALATION and DENIED_ATTEMPTS in stage A. */
class UsageRulesTest {
  /** A request for tenant {@code tenant} (null: none) with both approvals and a multi-use grant. */
  private static Scenario granted(String requestId, String tenant) {
    return Scenario.create().then(
        with(request(requestId, "alice", ACCOUNT, "jit", at(0)), b -> b.setTenant(tenant)),
        approval(requestId, "bob", "incident_command", at(1)),
        approval(requestId, "carol", "security", at(2)),
        grant(requestId, "tok-" + requestId, at(3), Duration.ofMinutes(60), false, assignment(ACCOUNT, "user-alice")));
  }

  private static GatewayEvent use(String requestId, String outcome, double minute, List<String> scope, String tenant) {
    return with(usage(requestId, "tok-" + requestId, "alice", outcome, at(minute)),
        b -> b.setScope(scope).setTenant(tenant));
  }

  @Test
  void usageOutsideTheRequestsScopeIsEscalationAndRevokes() {
    ReplayResult r = granted("req-sc", "payments")
        .then(use("req-sc", "allow", 4, List.of("break_glass:elevated", "break_glass:admin"), "payments"))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("SCOPE_ESCALATION");
    Alert a = r.alerts().get(0);
    assertThat(a.getSeverity()).isEqualTo("high");
    assertThat(a.getActions()).containsExactly("revoke");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("SCOPE_ESCALATION", "req-sc", "req-sc/usage/1"));
    assertThat(a.getEvidence()).containsExactly("req-sc/usage/1", "req-sc/request/1");
    assertThat(a.getSummary()).contains("[break_glass:admin]").doesNotContain("tok-req-sc");
    assertThat(r.revokeCommands()).singleElement()
        .satisfies(c -> assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice")));
  }

  @Test
  void usageInAnotherTenantIsEscalationOncePerUsage() {
    GatewayEvent other = use("req-tn", "allow", 4, null, "retail");
    ReplayResult r = granted("req-tn", "payments")
        .then(other, other, use("req-tn", "deny", 5, null, "hr"))
        .run();

    assertThat(r.alerts()).extracting(a -> a.getEvidence().get(0)).containsExactly("req-tn/usage/1", "req-tn/usage/2");
    assertThat(r.alerts().get(0).getSummary()).contains("tenant retail", "tenant payments");
    assertThat(r.revokeCommands()).hasSize(2);
  }

  @Test
  void usageNamingATenantWhenTheRequestNamedNoneIsNoTenantEscalation() {
    // the AuthZ gateway's requests name no tenant and its usages carry the caller's own (SPEC 1.4)
    ReplayResult r = granted("req-nt", null).then(use("req-nt", "allow", 4, null, "payments")).tick(at(30)).run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).doesNotContain("SCOPE_ESCALATION");
  }

  @Test
  void usageNamingATenantAndAScopeOutsideARequestWithoutTenantIsEscalationByScopeOnly() {
    ReplayResult r = granted("req-ns", null).then(use("req-ns", "allow", 4, List.of("admin:all"), "payments")).run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("SCOPE_ESCALATION");
    assertThat(r.alerts().get(0).getSummary()).contains("admin:all").doesNotContain("tenant payments");
  }

  @Test
  void usageInsideScopeAndTenantIsFine() {
    ReplayResult r = granted("req-in", "payments")
        .then(use("req-in", "allow", 4, List.of("break_glass:elevated"), " Payments "),
            use("req-in", "allow", 5, null, null))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void usageBeforeItsRequestIsJudgedWhenTheRequestArrives() {
    Scenario s = Scenario.create()
        .then(use("req-ub", "allow", 4, List.of("break_glass:admin"), null));
    ReplayResult before = s.run();
    ReplayResult after = Scenario.create().records(s.records())
        .then(request("req-ub", "alice", ACCOUNT, "jit", at(0)))
        .run();

    // scope is judged only against the request, so only once it arrives; the end of input (SPEC 5)
    // decides in both runs that the usage came before any approval (SPEC 3, MISSING_APPROVALS)
    assertThat(before.alerts()).extracting(Alert::getAlertType).containsExactly("MISSING_APPROVALS");
    assertThat(after.alerts()).extracting(Alert::getAlertType)
        .containsExactlyInAnyOrder("SCOPE_ESCALATION", "MISSING_APPROVALS");
  }

  @Test
  void fiveDenialsWithinTenMinutesRaiseOncePerBurstAndReArmAfterTheWindow() {
    ReplayResult r = granted("req-d", null)
        .then(use("req-d", "deny", 4, null, null), use("req-d", "deny", 5, null, null),
            use("req-d", "deny", 6, null, null), use("req-d", "deny", 7, null, null),
            use("req-d", "deny", 8, null, null), use("req-d", "deny", 9, null, null),
            // the window passes below the threshold, then a second burst
            use("req-d", "deny", 30, null, null), use("req-d", "deny", 31, null, null),
            use("req-d", "deny", 32, null, null), use("req-d", "deny", 33, null, null),
            use("req-d", "deny", 34, null, null))
        .run();

    List<Alert> alerts = Scenario.alertsOf(r, "DENIED_ATTEMPTS");
    assertThat(alerts).hasSize(2);
    Alert a = alerts.get(0);
    assertThat(a.getSeverity()).isEqualTo("medium");
    assertThat(a.getActions()).containsExactly("notify");
    assertThat(a.getEvidence()).containsExactly("req-d/usage/1", "req-d/usage/2", "req-d/usage/3", "req-d/usage/4",
        "req-d/usage/5");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("DENIED_ATTEMPTS", "req-d", "req-d/usage/1",
        "req-d/usage/2", "req-d/usage/3", "req-d/usage/4", "req-d/usage/5"));
    assertThat(a.getEventTime()).isEqualTo(at(8));
    assertThat(alerts.get(1).getEvidence()).containsExactly("req-d/usage/7", "req-d/usage/8", "req-d/usage/9",
        "req-d/usage/10", "req-d/usage/11");
    assertThat(r.alerts()).extracting(Alert::getAlertType).containsOnly("DENIED_ATTEMPTS");
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void fourDenialsOrFiveSpreadBeyondTheWindowDoNotRaise() {
    ReplayResult four = granted("req-d4", null)
        .then(use("req-d4", "deny", 4, null, null), use("req-d4", "deny", 5, null, null),
            use("req-d4", "deny", 6, null, null), use("req-d4", "deny", 7, null, null))
        .run();
    ReplayResult spread = granted("req-d5", null)
        .then(use("req-d5", "deny", 4, null, null), use("req-d5", "deny", 7, null, null),
            use("req-d5", "deny", 10, null, null), use("req-d5", "deny", 13, null, null),
            use("req-d5", "deny", 16, null, null))
        .run();

    assertThat(four.alerts()).isEmpty();
    assertThat(spread.alerts()).isEmpty();
  }
}
