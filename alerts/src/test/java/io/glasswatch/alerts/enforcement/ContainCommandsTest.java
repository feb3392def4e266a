package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.ContainCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainCommandsTest {
  private static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");

  static RevokeResult result(String id, String outcome, String trigger) {
    return RevokeResult.newBuilder(ContainmentServiceWireIT.confirmed(id)).setOutcome(outcome).setTrigger(trigger)
        .setStartedAt(NOW.minusSeconds(2)).build();
  }

  @Test
  void aContainmentIsIssuedAtItsRevokesEventTimeSoItsStepsDoNotMoveStreamTime() {
    java.time.Instant decided = java.time.Instant.parse("2018-12-31T10:00:00Z");
    RevokeResult r = RevokeResult.newBuilder(result("rc-9", "CONFIRMED", "alert")).setCommandIssuedAt(decided).build();
    ContainCommand c = ContainCommands.afterRevoke(r, "TOKEN_REUSE", NOW);
    assertThat(c.getIssuedAt()).isEqualTo(decided);
    assertThat(c.getDeniedBefore()).isEqualTo(NOW);
  }

  @Test
  void aConfirmedAlertRevokeContainsTheSamePermissionSetAndPrincipal() {
    ContainCommand c = ContainCommands.afterRevoke(result("rc-1", "CONFIRMED", "alert"), "TOKEN_REUSE", NOW);
    assertThat(c.getCommandId()).isEqualTo("contain:rc-1");
    assertThat(c.getTrigger()).isEqualTo("revoke");
    assertThat(c.getAlertType()).isEqualTo("TOKEN_REUSE");
    assertThat(c.getAssignment()).isEqualTo(SsoAdminRevokerWireTest.sampleAssignment());
    assertThat(c.getDeniedBefore()).isEqualTo(NOW);
    assertThat(c.getDetectedAtWallClock()).isEqualTo(NOW.minusSeconds(2));
    assertThat(ContainCommands.afterRevoke(result("rc-2", "ALREADY_ABSENT", "manual"), null, NOW).getTrigger())
        .isEqualTo("manual");
  }

  @Test
  void expiryFailuresProgressRecordsAndOverlapCopiesContainNothing() {
    assertThat(ContainCommands.afterRevoke(result("rc-3", "CONFIRMED", "expiry"), null, NOW)).isNull();
    assertThat(ContainCommands.afterRevoke(result("rc-4", "FAILED", "alert"), null, NOW)).isNull();
    assertThat(ContainCommands.afterRevoke(result("rc-5", "DRY_RUN", "alert"), null, NOW)).isNull();
    assertThat(ContainCommands.afterRevoke(RevokeResult.newBuilder(result("rc-6", "IN_PROGRESS", "alert"))
        .setStep("delete_requested").setStepSeq(2).build(), null, NOW)).isNull();
    assertThat(ContainCommands.afterRevoke(result("rc-7/also/REQ-2", "CONFIRMED", "alert"), null, NOW)).isNull();
    assertThat(ContainCommands.afterRevoke(RevokeResult.newBuilder(result("rc-8", "CONFIRMED", "alert"))
        .setAssignment(null).build(), null, NOW)).isNull();
  }

  static Alert alert(String type) {
    return Alert.newBuilder().setAlertId("a1").setAlertType(type).setSeverity("critical").setCorrelationId("req-9")
        .setRequestId("req-9").setAccountId("123456789012").setSubject("mallory").setEvidence(List.of("ev"))
        .setDetectedAt(NOW).setEventTime(NOW).setSummary("s").setRunbook("r").build();
  }

  @Test
  void anEmergencyRoleAlertContainsEveryListedRoleOfTheAccount() {
    List<ContainCommand> cs = ContainCommands.forSessionAlert(alert("EMERGENCY_ROLE_WITHOUT_REQUEST"), null,
        List.of("arn:aws:iam::123456789012:role/BreakGlass", "arn:aws:iam::123456789012:role/ops/Emergency"), NOW);
    assertThat(cs).extracting(ContainCommand::getCommandId).containsExactly("contain:a1:BreakGlass", "contain:a1:Emergency");
    assertThat(cs).allSatisfy(c -> {
      assertThat(c.getSessionName()).isEqualTo("mallory");
      assertThat(c.getAssignment()).isNull();
    });
  }

  @Test
  void aSessionOutlivedGrantContainsTheRequestsAssignmentElseTheRolesElseNothingKnown() {
    assertThat(ContainCommands.forSessionAlert(alert("SESSION_OUTLIVED_GRANT"), SsoAdminRevokerWireTest.sampleAssignment(),
        List.of("arn:aws:iam::123456789012:role/BreakGlass"), NOW)).singleElement()
        .satisfies(c -> assertThat(c.getAssignment()).isNotNull());
    assertThat(ContainCommands.forSessionAlert(alert("SESSION_OUTLIVED_GRANT"), null, List.of(), NOW)).singleElement()
        .satisfies(c -> {
          assertThat(c.getAssignment()).isNull();
          assertThat(c.getRoleArn()).isNull();
        });
  }
}
