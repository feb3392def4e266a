package io.glasswatch.alerts.enforcement;

import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertPolicy;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code REVOKE_FAILED} rule of the revoke executor, raise and resolution in one place.
 *
 * <p>Raise: a revoke not confirmed within its deadline (the policy's {@code revokeDeadline}), or
 * failed for good, raises one {@code REVOKE_FAILED} alert per command (id
 * {@code Hashing.deterministicId("REVOKE_FAILED", commandId)}, evidence the command id and the
 * causing alert's id), built from the alert catalogue ({@link AlertType#REVOKE_FAILED}) with the
 * policy file's override for the command's account ({@link PolicyAlerts#alert}): severity, actions
 * and runbook.
 *
 * <p>Resolve: a final {@code CONFIRMED} or {@code ALREADY_ABSENT} result of a request — the same
 * command, confirmed after its deadline, or a later revoke of the request — resolves every
 * {@code REVOKE_FAILED} alert still open for that request: one {@link AlertResolution} of kind
 * {@value #KIND}, keyed by the alert's correlation id, which the on-call dispatcher delivers. Open
 * alerts are learnt from {@code revoke-results} (a result naming {@code revokeFailedAlertId}) at
 * start-up and as results are written, so a revoke confirmed after a restart still resolves the
 * alert raised before it. Thread-safe.
 */
final class RevokeEscalation {
  /** {@code AlertResolution.kind} of a REVOKE_FAILED resolved by a confirmed revoke. */
  static final String KIND = "revoke_confirmed";

  /** An open REVOKE_FAILED alert. */
  private record Open(String alertId, String correlationId, String requestId, String accountId) {}

  private final PolicyAlerts policy;
  private final Map<String, Map<String, Open>> openByRequest = new LinkedHashMap<>();

  RevokeEscalation(PolicyAlerts policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The id of the REVOKE_FAILED alert of a command. */
  static String alertId(String commandId) {
    return Hashing.deterministicId(AlertType.REVOKE_FAILED.name(), commandId);
  }

  /**
   * The REVOKE_FAILED alert of a command (class Javadoc); remembered as open.
   *
   * @param command the command
   * @param what what happened, e.g. {@code failed} or {@code not confirmed within 60 s; ...}
   * @param tried what was tried
   * @param now detection time
   * @return the alert
   */
  Alert raise(RevokeCommand command, String what, String tried, Instant now) {
    AccountAssignment a = command.getAssignment();
    String account = a == null ? null : a.getAccountId();
    AlertPolicy p = policy.alert(AlertType.REVOKE_FAILED, account, null);
    String target = a == null ? "no recorded assignment"
        : a.getPrincipalType() + " " + a.getPrincipalId() + " / " + a.getPermissionSetArn() + " / account " + account;
    Alert alert = Alert.newBuilder()
        .setAlertId(alertId(command.getCommandId()))
        .setAlertType(AlertType.REVOKE_FAILED.name())
        .setSeverity(p.severity().wireName())
        .setCorrelationId(command.getCorrelationId())
        .setRequestId(command.getRequestId())
        .setAccountId(account)
        .setSubject(null)
        .setEvidence(command.getAlertId() == null ? List.of(command.getCommandId())
            : List.of(command.getCommandId(), command.getAlertId()))
        .setDetectedAt(now)
        .setEventTime(command.getIssuedAt())
        .setSummary("Revoke " + command.getCommandId() + " of request " + command.getRequestId() + " (" + target
            + ", " + command.getTrigger() + ": " + command.getReason() + ") " + what + ": " + tried + ".")
        .setRunbook(p.runbook())
        .setActions(p.actions().stream().map(Action::wireName).sorted().toList())
        .setRevokedRequestIds(List.of())
        .build();
    remember(new Open(alert.getAlertId(), command.getCorrelationId(), requestOf(command.getRequestId(),
        command.getCorrelationId()), account));
    return alert;
  }

  /**
   * Learns from a result read back or written: a result naming {@code revokeFailedAlertId} opens
   * that alert (not the {@code <commandId>/also/<requestId>} copies, which repeat the field of the
   * command they copy); a final confirmed result closes the request's open alerts.
   *
   * @param r the result
   * @return the resolutions to publish (empty unless {@code r} confirmed a request with open alerts)
   */
  List<AlertResolution> learn(RevokeResult r) {
    String request = requestOf(r.getRequestId(), r.getCorrelationId());
    if (r.getRevokeFailedAlertId() != null && !r.getCommandId().contains("/also/")) {
      remember(new Open(r.getRevokeFailedAlertId(), r.getCorrelationId(), request,
          r.getAssignment() == null ? null : r.getAssignment().getAccountId()));
    }
    if (!RevokeOutcome.CONFIRMED.name().equals(r.getOutcome()) && !RevokeOutcome.ALREADY_ABSENT.name().equals(r.getOutcome())) {
      return List.of();
    }
    Map<String, Open> open;
    synchronized (openByRequest) {
      open = openByRequest.remove(request);
    }
    if (open == null) {
      return List.of();
    }
    List<AlertResolution> out = new ArrayList<>();
    for (Open o : open.values()) {
      out.add(AlertResolution.newBuilder()
          .setAlertId(o.alertId())
          .setAlertType(AlertType.REVOKE_FAILED.name())
          .setCorrelationId(o.correlationId())
          .setRequestId(r.getRequestId())
          .setAccountId(o.accountId())
          .setKind(KIND)
          .setReason("Revoke " + r.getCommandId() + " of request " + r.getRequestId() + " confirmed that the assignment is "
              + "gone (" + r.getOutcome() + " at " + r.getCompletedAt() + ").")
          .setEvidence(List.of(r.getCommandId()))
          .setResolvedAt(r.getCompletedAt())
          .build());
    }
    return out;
  }

  /** Open REVOKE_FAILED alerts. */
  int open() {
    synchronized (openByRequest) {
      return openByRequest.values().stream().mapToInt(Map::size).sum();
    }
  }

  private void remember(Open o) {
    synchronized (openByRequest) {
      openByRequest.computeIfAbsent(o.requestId(), k -> new LinkedHashMap<>()).put(o.alertId(), o);
    }
  }

  private static String requestOf(String requestId, String correlationId) {
    return requestId != null ? requestId : correlationId;
  }
}
