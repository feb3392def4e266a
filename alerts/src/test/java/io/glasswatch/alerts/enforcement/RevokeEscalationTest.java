package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The REVOKE_FAILED rule: raised from the catalogue and the policy, resolved by a later confirmation of the request. */
class RevokeEscalationTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final String ACCOUNT = "123456789012";

  private static RevokeCommand command(String id, String request) {
    return RevokeCommand.newBuilder().setCommandId(id).setRequestId(request).setCorrelationId(request).setAlertId("a-" + id)
        .setTrigger("alert").setReason("TOKEN_REUSE").setIssuedAt(T0).setDetectedAtWallClock(T0)
        .setAssignment(AccountAssignment.newBuilder().setInstanceArn("arn:aws:sso:::instance/ssoins-1").setAccountId(ACCOUNT)
            .setPermissionSetArn("arn:aws:sso:::permissionSet/ssoins-1/ps-1").setPrincipalType("USER")
            .setPrincipalId("u-1").build())
        .build();
  }

  private static RevokeResult result(String commandId, String request, String outcome, String failedAlertId) {
    return RevokeResult.newBuilder().setCommandId(commandId).setRequestId(request).setCorrelationId(request)
        .setOutcome(outcome).setCommandIssuedAt(T0).setStartedAt(T0).setCompletedAt(T0.plusSeconds(90)).setAttempts(1)
        .setRevokeFailedAlertId(failedAlertId).build();
  }

  @Test
  void raisesFromTheCatalogueDefaults() {
    Alert a = new RevokeEscalation(PolicyAlerts.defaults()).raise(command("c1", "r1"), "failed", "AccessDenied", T0);
    assertThat(a.getAlertType()).isEqualTo("REVOKE_FAILED");
    assertThat(a.getSeverity()).isEqualTo("critical");
    assertThat(a.getActions()).containsExactly("page");
    assertThat(a.getRunbook()).isEqualTo("docs/runbooks.md#revoke-failed");
    assertThat(a.getAlertId()).isEqualTo(RevokeService.revokeFailedAlertId("c1"));
  }

  @Test
  void aPolicyOverrideOfRevokeFailedReachesTheAlertAndAnAccountOverrideWins() {
    PolicyAlerts policy = PolicyAlerts.parse("""
        alerts:
          REVOKE_FAILED: { severity: high, actions: [page, notify] }
        accounts:
          "123456789012":
            alerts:
              REVOKE_FAILED: { severity: medium }
        """, "policy.yaml");
    RevokeEscalation e = new RevokeEscalation(policy);
    Alert onOverriddenAccount = e.raise(command("c1", "r1"), "failed", "x", T0);
    assertThat(onOverriddenAccount.getSeverity()).isEqualTo("medium");
    assertThat(onOverriddenAccount.getActions()).containsExactly("notify", "page");
    RevokeCommand other = command("c2", "r2");
    other.getAssignment().setAccountId("210987654321");
    assertThat(e.raise(other, "failed", "x", T0).getSeverity()).isEqualTo("high");
  }

  @Test
  void aLaterConfirmationOfTheRequestResolvesEveryOpenRevokeFailedOnce() {
    RevokeEscalation e = new RevokeEscalation(PolicyAlerts.defaults());
    Alert first = e.raise(command("c1", "r1"), "failed", "x", T0);
    e.learn(result("c1", "r1", "FAILED", first.getAlertId()));
    assertThat(e.learn(result("c9", "other", "CONFIRMED", null))).isEmpty();

    List<AlertResolution> resolved = e.learn(result("c2", "r1", "CONFIRMED", null));

    assertThat(resolved).singleElement().satisfies(r -> {
      assertThat(r.getAlertId()).isEqualTo(first.getAlertId());
      assertThat(r.getKind()).isEqualTo("revoke_confirmed");
      assertThat(r.getCorrelationId()).isEqualTo("r1");
      assertThat(r.getEvidence()).containsExactly("c2");
      assertThat(r.getResolvedAt()).isEqualTo(T0.plusSeconds(90));
    });
    assertThat(e.learn(result("c3", "r1", "ALREADY_ABSENT", null))).as("resolved once").isEmpty();
  }

  @Test
  void alertsLearntFromResultsReadBackAreResolvedToo() {
    RevokeEscalation e = new RevokeEscalation(PolicyAlerts.defaults());
    e.learn(result("c1/3", "r1", "IN_PROGRESS", "rf-1"));
    assertThat(e.open()).isEqualTo(1);
    assertThat(e.learn(result("c1", "r1", "CONFIRMED", "rf-1"))).extracting(AlertResolution::getAlertId)
        .containsExactly("rf-1");
    assertThat(e.open()).isZero();
  }

  @Test
  void theCopiesForOverlappingGrantsOpenNoAlertOfTheirOwn() {
    RevokeEscalation e = new RevokeEscalation(PolicyAlerts.defaults());
    assertThat(e.learn(result("c1/also/r2", "r2", "CONFIRMED", "rf-1"))).isEmpty();
    assertThat(e.open()).isZero();
  }

  @Test
  void failedAndInProgressResultsResolveNothing() {
    RevokeEscalation e = new RevokeEscalation(PolicyAlerts.defaults());
    e.raise(command("c1", "r1"), "failed", "x", T0);
    assertThat(e.learn(result("c2", "r1", "FAILED", null))).isEmpty();
    assertThat(e.learn(result("c2/1", "r1", "IN_PROGRESS", null))).isEmpty();
    assertThat(e.open()).isEqualTo(1);
  }
}
