package io.glasswatch.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.ContainResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which containment results the demo waits for and how it prints them. */
class SessionContainmentsTest {
  private static final Instant T = Instant.parse("2026-12-07T05:00:00Z");

  private static Alert alert(String id, String type, String requestId, String subject, long minute) {
    return Alert.newBuilder().setAlertId(id).setAlertType(type).setSeverity("high")
        .setCorrelationId(requestId == null ? "account:210987654321" : requestId).setRequestId(requestId)
        .setAccountId("210987654321").setSubject(subject).setEvidence(List.of("e-" + id)).setDetectedAt(T)
        .setEventTime(Instant.parse("2024-05-06T10:00:00Z").plusSeconds(60 * minute)).setSummary("s").setRunbook("r")
        .build();
  }

  private static ContainResult result(String commandId, String alertId, String type, String arn, String outcome) {
    return ContainResult.newBuilder().setCommandId(commandId).setCorrelationId("c").setAlertId(alertId)
        .setTrigger("alert").setAccountId("210987654321").setTargetType(type).setTargetArn(arn)
        .setStatementSid("GlasswatchContain0123456789abcdef").setDeniedBefore(T).setOutcome(outcome).setAttempts(1)
        .setStartedAt(T).setCompletedAt(T.plusMillis(300)).setTimeToContainMillis("CONTAINED".equals(outcome) ? 300L : null)
        .setCleanupAfter("CONTAINED".equals(outcome) ? T.plusSeconds(3600) : null)
        .setFailureReason("CONTAINED".equals(outcome) ? null : "GetInlinePolicyForPermissionSet: not found").build();
  }

  private final SessionContainments sessions = new SessionContainments(GlasswatchSettings.builder().build(), List.of(
      alert("sog1", "SESSION_OUTLIVED_GRANT", "JIT-20240506-0007", "priya@example.com", 25),
      alert("er1", "EMERGENCY_ROLE_WITHOUT_REQUEST", null, "oncall-jordan", 40),
      alert("root1", "UNAUTHORIZED_ROOT_USE", null, "root", 1)));

  @Test
  void waitsOnlyForTheSessionAlertsUntilEachHasAResult() {
    assertThat(sessions.expected()).isEqualTo(2);
    assertThat(sessions.take(List.of(result("contain:sog1:break-glass-emergency", "sog1", "IAM_ROLE",
        "arn:aws:iam::210987654321:role/break-glass-emergency", "CONTAINED")))).isFalse();
    // a clean-up is not the containment
    assertThat(sessions.take(List.of(result("contain:sog1:break-glass-emergency", "sog1", "IAM_ROLE",
        "arn:aws:iam::210987654321:role/break-glass-emergency", "CONTAINED"), result("contain:er1:break-glass-emergency",
        "er1", "IAM_ROLE", "arn:aws:iam::210987654321:role/break-glass-emergency", "CLEANED_UP")))).isFalse();
    assertThat(sessions.take(List.of(result("contain:sog1:break-glass-emergency", "sog1", "IAM_ROLE",
        "arn:aws:iam::210987654321:role/break-glass-emergency", "CONTAINED"), result("contain:er1:break-glass-emergency",
        "er1", "IAM_ROLE", "arn:aws:iam::210987654321:role/break-glass-emergency", "CONTAINED")))).isTrue();
  }

  @Test
  void printsEachContainmentWithItsTimesAndSaysWhyAnOutlivedSessionContainsTheEmergencyRole() {
    sessions.take(List.of(result("contain:sog1:break-glass-emergency", "sog1", "IAM_ROLE",
        "arn:aws:iam::210987654321:role/break-glass-emergency", "CONTAINED"),
        result("contain:sog1", "sog1", "PERMISSION_SET", "arn:aws:sso:::permissionSet/ssoins-1/ps-1", "TARGET_ABSENT")));
    List<String> lines = sessions.describe();
    assertThat(lines).hasSize(3);
    // in command id order
    assertThat(lines.get(1)).startsWith("SESSION_OUTLIVED_GRANT").contains("JIT-20240506-0007").contains("(priya@example.com)")
        .contains("CONTAINED in 0.3 s after detection on role arn:aws:iam::210987654321:role/break-glass-emergency:"
            + " sessions issued before 2026-12-07T05:00:00Z denied (GlasswatchContain0123456789abcdef);"
            + " statement removed after 2026-12-07T06:00:00Z")
        .contains("the account's emergency roles are contained");
    assertThat(lines.get(0)).startsWith("SESSION_OUTLIVED_GRANT").contains("TARGET_ABSENT on permission set arn:aws:sso:::permissionSet/ssoins-1/ps-1:"
        + " GetInlinePolicyForPermissionSet: not found").doesNotContain("emergency roles are contained");
    assertThat(lines.get(2)).startsWith("EMERGENCY_ROLE_WITHOUT_REQUEST").contains("account:210987654321")
        .endsWith("no containment result");
  }

  @Test
  void withoutSessionAlertsThereIsNothingToWaitFor() {
    SessionContainments none = new SessionContainments(GlasswatchSettings.builder().build(), List.of());
    assertThat(none.expected()).isZero();
    assertThat(none.take(List.of())).isTrue();
    assertThat(none.describe()).isEmpty();
  }
}
