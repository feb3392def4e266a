package io.glasswatch.alerts.enforcement;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.ContainCommand;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The contain commands the containment service derives from what it reads. Pure functions.
 *
 * <ul>
 *   <li>{@link #afterRevoke}: a final revoke result {@code CONFIRMED} or {@code ALREADY_ABSENT} with trigger
 *       {@code alert} or {@code manual} and an assignment (not an {@code /also/} copy) →
 *       {@code contain:<revoke command id>} on the same permission set and principal, trigger {@code revoke}
 *       (or {@code manual}), sessions issued before {@code now} denied, detection = the revoke's pick-up;
 *   <li>{@link #forSessionAlert}: {@code SESSION_OUTLIVED_GRANT} with a known assignment →
 *       {@code contain:<alertId>} on it; otherwise one {@code contain:<alertId>:<role name>} per emergency
 *       role of the account; with none, {@code contain:<alertId>} without a target (executed as FAILED,
 *       so the gap is paged, not silent).
 * </ul>
 */
final class ContainCommands {
  private static final Set<String> REVOKED = Set.of("CONFIRMED", "ALREADY_ABSENT");

  private ContainCommands() {}

  /**
   * The containment a revoke result asks for.
   *
   * @param r a revoke result
   * @param alertType type of the result's alert when known, else null
   * @param now wall clock: the deny bound
   * @return the command, or null when the result asks for none
   */
  static ContainCommand afterRevoke(RevokeResult r, String alertType, Instant now) {
    if (r.getStep() != null || r.getAssignment() == null || !REVOKED.contains(r.getOutcome())
        || r.getCommandId().contains("/also/") || !("alert".equals(r.getTrigger()) || "manual".equals(r.getTrigger()))) {
      return null;
    }
    return ContainCommand.newBuilder()
        .setCommandId("contain:" + r.getCommandId()).setCorrelationId(r.getCorrelationId())
        .setRequestId(r.getRequestId()).setAlertId(r.getAlertId()).setAlertType(alertType)
        .setTrigger("manual".equals(r.getTrigger()) ? "manual" : "revoke")
        .setReason("revoke " + r.getCommandId() + " " + r.getOutcome().toLowerCase(Locale.ROOT))
        .setAccountId(r.getAssignment().getAccountId()).setAssignment(r.getAssignment())
        // issued at the revoke's event time: the progress records go back to the streams app on
        // revoke-results, where commandIssuedAt is their event time (a wall-clock time would move stream
        // time past every deadline of historical input)
        .setDeniedBefore(now).setIssuedAt(r.getCommandIssuedAt()).setDetectedAtWallClock(r.getStartedAt())
        .build();
  }

  /**
   * The containments of an {@code EMERGENCY_ROLE_WITHOUT_REQUEST} or {@code SESSION_OUTLIVED_GRANT} alert.
   *
   * @param a the alert (account id set)
   * @param assignment the assignment of the alert's request when known, else null
   * @param roles the account's emergency roles
   * @param now wall clock: the deny bound and detection
   * @return one or more commands
   */
  static List<ContainCommand> forSessionAlert(Alert a, AccountAssignment assignment, List<String> roles, Instant now) {
    ContainCommand base = ContainCommand.newBuilder().setCommandId("contain:" + a.getAlertId())
        .setCorrelationId(a.getCorrelationId()).setRequestId(a.getRequestId()).setAlertId(a.getAlertId())
        .setAlertType(a.getAlertType()).setTrigger("alert").setReason(a.getAlertType() + ": " + a.getSummary())
        .setAccountId(a.getAccountId()).setSessionName(a.getSubject())
        .setDeniedBefore(now).setIssuedAt(a.getDetectedAt()).setDetectedAtWallClock(now).build();
    if ("SESSION_OUTLIVED_GRANT".equals(a.getAlertType()) && assignment != null) {
      return List.of(ContainCommand.newBuilder(base).setAssignment(assignment).build());
    }
    if (roles.isEmpty()) {
      return List.of(base);
    }
    return roles.stream().map(role -> ContainCommand.newBuilder(base)
        .setCommandId("contain:" + a.getAlertId() + ":" + RolePolicy.roleName(role)).setRoleArn(role).build()).toList();
  }

  /**
   * The command a result stands for (clean-up and CloudTrail steps are filed under it).
   *
   * @param r a contain result
   * @return the command, with the result's target and deny bound
   */
  static ContainCommand of(ContainResult r) {
    return ContainCommand.newBuilder().setCommandId(r.getCommandId()).setCorrelationId(r.getCorrelationId())
        .setRequestId(r.getRequestId()).setAlertId(r.getAlertId()).setTrigger(r.getTrigger()).setReason("")
        .setAccountId(r.getAccountId())
        .setAssignment("PERMISSION_SET".equals(r.getTargetType()) ? AccountAssignment.newBuilder()
            .setInstanceArn(String.valueOf(r.getInstanceArn())).setAccountId(r.getAccountId())
            .setPermissionSetArn(r.getTargetArn()).setPrincipalType("USER").setPrincipalId(String.valueOf(r.getPrincipalId()))
            .build() : null)
        .setRoleArn("IAM_ROLE".equals(r.getTargetType()) ? r.getTargetArn() : null).setSessionName(r.getSessionName())
        .setDeniedBefore(r.getDeniedBefore()).setIssuedAt(r.getStartedAt()).build();
  }
}
