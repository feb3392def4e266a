package io.glasswatch.streams.timeline;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Builds the timeline draft of every kind of entry, with the deterministic entry ids of the timeline
 * contract: {@code gateway:<eventId>}, {@code cloudtrail:<eventID>},
 * {@code guardduty:<id>:<updatedAt millis>}, {@code alert:<alertId>},
 * {@code revoke:<commandId>:requested} and {@code revoke:<commandId>:<outcome lower>}.
 *
 * <p>ECS mapping (www.elastic.co/guide/en/ecs/current/ecs-field-reference.html): {@code source} is
 * event.provider, {@code kind} event.kind, {@code action} event.action, {@code outcome}
 * event.outcome, {@code userName} user.name, {@code sourceIp} source.ip (IP literals only),
 * {@code userAgent} user_agent.original, {@code message} message. {@code details} holds a few extra
 * fields; raw tokens never appear (inputs carry only fingerprints).
 */
public final class TimelineDrafts {
  /** {@code source} of entries Glasswatch itself writes (alerts and enforcement). */
  public static final String GLASSWATCH = "glasswatch";

  private TimelineDrafts() {}

  /**
   * A gateway event.
   *
   * @param e the event
   * @param eventId its id {@code <requestId>/<type>/<n>} (or {@code account:<id>/<type>/<n>} without request)
   * @param subjectHint the request's subject, used as user.name of grant and expiry events (may be null)
   * @param accountHint the request's account, used when the event carries none (may be null)
   */
  public static TimelineDraft gateway(GatewayEvent e, String eventId, String subjectHint, String accountHint) {
    String type = e.getType();
    String account = e.getAccountId() != null ? e.getAccountId() : accountHint;
    String outcome = Ecs.UNKNOWN;
    String user = subjectHint;
    String message;
    Details d = Details.create().put("type", type).put("origin", e.getOrigin()).put("source", e.getSource())
        .put("sourceEventType", e.getSourceEventType());
    switch (type) {
      case "request" -> {
        user = e.getSubject();
        String kind = e.getKind() == null ? "jit" : e.getKind();
        message = String.format("%s requested %s break-glass access to account %s (ticket %s): %s",
            e.getSubject(), kind, e.getAccountId(), e.getTicketId(), e.getJustification());
        d.put("kind", kind).put("ticketId", e.getTicketId()).put("scope", e.getScope()).put("tenant", e.getTenant())
            .put("permissionSetArn", e.getPermissionSetArn())
            .put("requestedDurationSeconds", e.getRequestedDurationSeconds());
      }
      case "approval" -> {
        user = e.getApprover();
        message = String.format("%s approved request %s as %s (assurance %s)", e.getApprover(), e.getRequestId(),
            e.getApproverRole(), e.getApproverAcr());
        d.put("approverRole", e.getApproverRole()).put("approverAcr", e.getApproverAcr()).put("comment", e.getComment());
      }
      case "grant" -> {
        outcome = Ecs.SUCCESS;
        boolean singleUse = !Boolean.FALSE.equals(e.getSingleUse());
        message = String.format("Request %s granted until %s (%s token %s)", e.getRequestId(),
            e.getExpiresAt(), singleUse ? "single-use" : "multi-use", shortFingerprint(e.getTokenFingerprint()));
        d.put("expiresAt", e.getExpiresAt() == null ? null : e.getExpiresAt().toString()).put("singleUse", singleUse);
        AccountAssignment a = e.getAssignment();
        if (a != null) {
          d.put("permissionSetArn", a.getPermissionSetArn()).put("principalType", a.getPrincipalType())
              .put("principalId", a.getPrincipalId()).put("instanceArn", a.getInstanceArn());
          if (account == null) {
            account = a.getAccountId();
          }
        }
      }
      case "usage" -> {
        user = e.getSubject();
        outcome = "allow".equalsIgnoreCase(e.getOutcome()) ? Ecs.SUCCESS
            : "deny".equalsIgnoreCase(e.getOutcome()) ? Ecs.FAILURE : Ecs.UNKNOWN;
        message = String.format("%s used the grant of request %s for %s on %s: %s", e.getSubject(),
            e.getRequestId(), e.getAction(), e.getResource(), e.getOutcome());
        d.put("resource", e.getResource()).put("usageAction", e.getAction()).put("result", e.getOutcome())
            .put("scope", e.getScope()).put("tenant", e.getTenant());
      }
      case "expiry" -> {
        message = String.format("Grant of request %s ended: %s", e.getRequestId(), e.getReason());
        d.put("reason", e.getReason());
      }
      case "rotation" -> {
        user = e.getActor();
        outcome = Ecs.SUCCESS;
        message = String.format("%s declared a rotation of %s for account %s", e.getActor(), e.getCredential(),
            e.getAccountId());
        d.put("credential", e.getCredential());
      }
      case "root_declaration" -> {
        user = e.getActor();
        outcome = outcomeOfResult(e.getOutcome());
        message = String.format("%s declared a break-glass root login to account %s: %s", e.getActor(),
            e.getAccountId(), e.getReason());
        d.put("actorRole", e.getActorRole()).put("declaredAction", e.getAction()).put("result", e.getOutcome())
            .put("reason", e.getReason()).put("incidentChannel", e.getIncidentChannel())
            .put("expectedSessionDurationMinutes", e.getExpectedSessionDurationMinutes());
      }
      case "denial" -> {
        user = e.getActor();
        outcome = Ecs.FAILURE;
        message = String.format("%s denied request %s", e.getActor() == null ? "the source" : e.getActor(),
            e.getRequestId());
      }
      case "error" -> {
        outcome = Ecs.FAILURE;
        message = String.format("%s reported an error for request %s in phase %s: %s", e.getSource(),
            e.getRequestId(), e.getErrorPhase(), e.getErrorMessage());
        d.put("errorPhase", e.getErrorPhase()).put("errorMessage", e.getErrorMessage()).put("actor", e.getActor());
      }
      case "audit" -> {
        user = e.getSubject();
        outcome = "allow".equalsIgnoreCase(e.getOutcome()) ? Ecs.SUCCESS
            : "deny".equalsIgnoreCase(e.getOutcome()) ? Ecs.FAILURE : Ecs.UNKNOWN;
        message = String.format("audit evidence: %s %s on %s (%s)%s", e.getSubject(), e.getAction(), e.getResource(),
            e.getOutcome(), e.getAuditChainStatus() == null ? "" : "; audit chain " + e.getAuditChainStatus());
        d.put("evidenceOnly", true).put("auditAction", e.getAction()).put("resource", e.getResource())
            .put("tenant", e.getTenant()).put("approver", e.getApprover())
            .put("auditChainStatus", e.getAuditChainStatus()).put("auditChainProblem", e.getAuditChainProblem());
      }
      default -> message = String.format("gateway %s event", type);
    }
    return new TimelineDraft("gateway:" + eventId, e.getTimestamp().toEpochMilli(), account, "gateway", "event", type,
        outcome, user, Ecs.ipOrNull(e.getSourceIp()), e.getUserAgent(), message, eventId, null, null, null,
        e.getTokenFingerprint(), d.toJson());
  }

  /** Timeline entry id of a CloudTrail record: {@code cloudtrail:<eventID>}. */
  public static String cloudTrailEntryId(CloudTrailEvent e) {
    return "cloudtrail:" + e.getEventID();
  }

  /**
   * A CloudTrail record (fields per the CloudTrail record contents reference,
   * docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
   *
   * @param e the record
   * @param accountId the account it belongs to (the record key)
   * @param rootActivity whether it counts as root activity (SPEC 1.2)
   * @param credentialChange whether it is a root credential change
   */
  public static TimelineDraft cloudTrail(CloudTrailEvent e, String accountId, boolean rootActivity,
      boolean credentialChange) {
    boolean failed = e.getErrorCode() != null || "Failure".equalsIgnoreCase(e.getConsoleLogin());
    String identity = identityOf(e);
    StringBuilder msg = new StringBuilder()
        .append(identity).append(' ').append(e.getEventName()).append(" (").append(e.getEventSource()).append(')');
    if (e.getSourceIPAddress() != null) {
      msg.append(" from ").append(e.getSourceIPAddress());
    }
    msg.append(": ").append(failed ? "failure" : "success");
    if (e.getErrorCode() != null) {
      msg.append(" (").append(e.getErrorCode()).append(')');
    }
    if ("ConsoleLogin".equals(e.getEventName())) {
      msg.append(", MFA ").append(e.getMfaUsed() == null ? "unknown" : e.getMfaUsed());
    }
    Details d = Details.create()
        .put("eventSource", e.getEventSource()).put("eventType", e.getEventType()).put("awsRegion", e.getAwsRegion())
        .put("userIdentityType", e.getUserIdentityType()).put("userIdentityArn", e.getUserIdentityArn())
        .put("invokedBy", e.getInvokedBy()).put("mfaUsed", e.getMfaUsed()).put("consoleLogin", e.getConsoleLogin())
        .put("errorCode", e.getErrorCode()).put("readOnly", e.getReadOnly())
        .put("rootActivity", rootActivity ? Boolean.TRUE : null)
        .put("rootCredentialChange", credentialChange ? Boolean.TRUE : null)
        .put("origin", e.getOrigin())
        .put("validationErrors", e.getValidationErrors() == null || e.getValidationErrors().isEmpty() ? null
            : e.getValidationErrors().stream().map(String::valueOf).toList());
    if (e.getValidationErrors() != null && !e.getValidationErrors().isEmpty()) {
      msg.append("; read in part (").append(e.getValidationErrors().size()).append(" field")
          .append(e.getValidationErrors().size() == 1 ? "" : "s").append(" unreadable, see validationErrors)");
    }
    return new TimelineDraft(cloudTrailEntryId(e), e.getEventTime().toEpochMilli(), accountId, "cloudtrail",
        "event", e.getEventName(), failed ? Ecs.FAILURE : Ecs.SUCCESS, identity, Ecs.ipOrNull(e.getSourceIPAddress()),
        e.getUserAgent(), msg.toString(), e.getEventID(), null, null, null, null, d.toJson());
  }

  /**
   * A GuardDuty finding (fields per docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html).
   *
   * @param f the finding
   * @param eventTime its event time (eventLastSeen, else updatedAt, else createdAt), epoch milliseconds
   */
  public static TimelineDraft guardDuty(GuardDutyFinding f, long eventTime) {
    long updated = f.getUpdatedAt() != null ? f.getUpdatedAt().toEpochMilli() : eventTime;
    String msg = String.format(Locale.ROOT, "GuardDuty %s (severity %.1f): %s%s", f.getType(), f.getSeverity(),
        f.getTitle() == null ? "" : f.getTitle(), f.getSample() ? " [sample finding]" : "");
    Details d = Details.create()
        .put("severity", f.getSeverity()).put("sample", f.getSample() ? Boolean.TRUE : null).put("region", f.getRegion())
        .put("resourceType", f.getResourceType()).put("accessKeyUserType", f.getAccessKeyUserType())
        .put("api", f.getApi()).put("serviceName", f.getServiceName()).put("callerType", f.getCallerType())
        .put("updatedAt", Instant.ofEpochMilli(updated).toString()).put("origin", f.getOrigin());
    return new TimelineDraft("guardduty:" + f.getId() + ":" + updated, eventTime, f.getAccountId(), "guardduty",
        "event", f.getType(), Ecs.UNKNOWN, f.getAccessKeyUserName(), Ecs.ipOrNull(f.getRemoteIp()), null, msg,
        f.getId(), null, null, null, null, d.toJson());
  }

  /** An alert, at its {@code detectedAt}. */
  public static TimelineDraft alert(Alert a) {
    Details d = Details.create().put("evidence", a.getEvidence()).put("actions", a.getActions())
        .put("revokedRequestIds", a.getRevokedRequestIds().isEmpty() ? null : a.getRevokedRequestIds())
        .put("eventTime", a.getEventTime().toString()).put("runbook", a.getRunbook());
    return new TimelineDraft("alert:" + a.getAlertId(), a.getDetectedAt().toEpochMilli(), a.getAccountId(),
        GLASSWATCH, "alert", a.getAlertType(), Ecs.UNKNOWN, a.getSubject(), null, null, a.getSummary(), null,
        a.getAlertId(), a.getAlertType(), a.getSeverity(), null, d.toJson());
  }

  /**
   * The decision that an alert no longer stands ({@code alert-resolutions}), at its {@code resolvedAt}:
   * kind {@code alert}, action {@code alert_resolved}, entry id {@code resolution:<alertId>}; details
   * carry the resolution's kind, evidence and reason.
   */
  public static TimelineDraft alertResolved(AlertResolution r) {
    Details d = Details.create().put("resolution", r.getKind()).put("evidence", r.getEvidence())
        .put("reason", r.getReason());
    return new TimelineDraft("resolution:" + r.getAlertId(), r.getResolvedAt().toEpochMilli(), r.getAccountId(),
        GLASSWATCH, "alert", "alert_resolved", Ecs.UNKNOWN, null, null, null,
        r.getAlertType() + " " + r.getAlertId() + " resolved: " + r.getReason() + ".",
        r.getEvidence().isEmpty() ? null : r.getEvidence().get(0), r.getAlertId(), r.getAlertType(), null, null,
        d.toJson());
  }

  /** A revoke command being issued, at its {@code issuedAt}. */
  public static TimelineDraft revokeRequested(RevokeCommand c) {
    AccountAssignment a = c.getAssignment();
    String target = revokeTarget(a);
    Details d = Details.create().put("commandId", c.getCommandId()).put("trigger", c.getTrigger())
        .put("reason", c.getReason());
    putAssignment(d, a);
    List<String> also = c.getAlsoRevokedRequestIds();
    d.put("alsoRevokedRequestIds", also == null || also.isEmpty() ? null : also);
    String what = "expiry".equals(c.getTrigger())
        ? "Expiry sweep of request " + c.getRequestId() + ": its grant ended and no other active grant needs the"
            + " assignment; removal requested: "
        : "Revoke of request " + c.getRequestId() + " requested: ";
    String overlap = also == null || also.isEmpty() ? ""
        : "; the assignment also serves the active grant" + (also.size() == 1 ? " of request " : "s of requests ")
            + String.join(", ", also) + ", which ends too";
    return new TimelineDraft("revoke:" + c.getCommandId() + ":requested", c.getIssuedAt().toEpochMilli(),
        a == null ? null : a.getAccountId(), GLASSWATCH, "enforcement", "revoke_requested", Ecs.UNKNOWN, null, null,
        null, what + target + overlap, null, c.getAlertId(), null, null, c.getTokenFingerprint(), d.toJson());
  }

  /**
   * The revoke of another request removes the assignment this request's active grant relies on
   * (overlapping grants of one principal), at the command's {@code issuedAt}; action
   * {@code revoke_overlap}, in the timeline of {@code requestId}.
   *
   * @param c the command of the other request
   * @param requestId the request whose grant ends with it
   */
  public static TimelineDraft revokeOverlap(RevokeCommand c, String requestId) {
    AccountAssignment a = c.getAssignment();
    Details d = Details.create().put("commandId", c.getCommandId()).put("trigger", c.getTrigger())
        .put("revokedRequestId", c.getRequestId()).put("reason", c.getReason());
    putAssignment(d, a);
    return new TimelineDraft("revoke:" + c.getCommandId() + ":overlap:" + requestId, c.getIssuedAt().toEpochMilli(),
        a == null ? null : a.getAccountId(), GLASSWATCH, "enforcement", "revoke_overlap", Ecs.UNKNOWN, null, null,
        null, "Grant of request " + requestId + " ends too: the revoke of request " + c.getRequestId()
            + " removes the assignment both grants rely on: " + revokeTarget(a),
        null, c.getAlertId(), null, null, null, d.toJson());
  }

  /**
   * The expiry sweeper left an ended grant's assignment in place because other active grants of the
   * same principal still rely on it; action {@code expiry_sweep_kept}, at {@code at}.
   *
   * @param requestId the request whose grant ended
   * @param a the assignment
   * @param holders requests whose active grants still need it, sorted
   * @param at deadline time of the sweep, epoch milliseconds
   */
  public static TimelineDraft sweepKept(String requestId, AccountAssignment a, List<String> holders, long at) {
    Details d = Details.create().put("heldBy", holders);
    putAssignment(d, a);
    return new TimelineDraft("sweep:" + requestId + ":kept", at, a.getAccountId(), GLASSWATCH, "enforcement",
        "expiry_sweep_kept", Ecs.SUCCESS, null, null, null,
        "Expiry sweep of request " + requestId + ": assignment kept, still needed by the active grant"
            + (holders.size() == 1 ? " of request " : "s of requests ") + String.join(", ", holders) + ": "
            + revokeTarget(a), null, null, null, null, null, d.toJson());
  }

  /**
   * The expiry sweeper did not check a grant that ended more than {@code lookback} before it reached it
   * ({@code revoke.sweeper.lookback}); action {@code expiry_sweep_skipped}, outcome unknown, in the
   * request's timeline.
   *
   * @param requestId the request
   * @param a the grant's assignment
   * @param end the grant's end, epoch milliseconds
   * @param lookback the sweeper's lookback
   * @param at deadline time of the sweep, epoch milliseconds
   */
  public static TimelineDraft sweepSkipped(String requestId, AccountAssignment a, long end, java.time.Duration lookback,
      long at) {
    Details d = Details.create().put("grantEnd", Instant.ofEpochMilli(end).toString())
        .put("lookback", lookback.toString());
    putAssignment(d, a);
    return new TimelineDraft("sweep:" + requestId + ":skipped", at, a.getAccountId(), GLASSWATCH, "enforcement",
        "expiry_sweep_skipped", Ecs.UNKNOWN, null, null, null,
        "Expiry sweep of request " + requestId + " skipped: its grant ended at " + Instant.ofEpochMilli(end)
            + ", more than " + lookback + " (revoke.sweeper.lookback) before the sweep; the assignment was not"
            + " checked: " + revokeTarget(a), null, null, null, null, null, d.toJson());
  }

  /**
   * A revoke command issued when a grant arrived, for an alert raised before the request had any grant
   * (for example a self-approval): like {@link #revokeRequested(RevokeCommand)}, with a message that
   * says why the revoke comes now.
   *
   * @param c the command
   * @param alertType type of the alert that asked for the revoke
   * @param raisedAt stream time the alert was raised, epoch milliseconds
   */
  public static TimelineDraft revokeRequestedOnGrant(RevokeCommand c, String alertType, long raisedAt) {
    TimelineDraft d = revokeRequested(c);
    String why = String.format("Revoke of request %s requested as its grant arrived, for the %s alert raised at %s"
        + " before the request had a grant", c.getRequestId(), alertType, Instant.ofEpochMilli(raisedAt));
    String message = why + ": " + revokeTarget(c.getAssignment());
    return new TimelineDraft(d.entryId(), d.timestamp(), d.accountId(), d.source(), d.kind(), d.action(),
        d.outcome(), d.userName(), d.sourceIp(), d.userAgent(), message, d.eventId(), d.alertId(), d.alertType(),
        d.severity(), d.tokenFingerprint(), d.details());
  }

  /**
   * The outcome of a revoke command, at its {@code completedAt}: action {@code revoke_confirmed},
   * {@code revoke_failed}, {@code revoke_dry_run} or {@code revoke_already_absent}.
   */
  public static TimelineDraft revokeResult(RevokeResult r) {
    if (r.getStep() != null) {
      return RevokeSteps.draft(r);
    }
    String outcome = r.getOutcome().toLowerCase(Locale.ROOT);
    AccountAssignment a = r.getAssignment();
    String ecsOutcome = switch (r.getOutcome()) {
      case "CONFIRMED", "ALREADY_ABSENT" -> Ecs.SUCCESS;
      case "FAILED" -> Ecs.FAILURE;
      default -> Ecs.UNKNOWN;
    };
    String attempts = r.getAttempts() + (r.getAttempts() == 1 ? " attempt" : " attempts");
    String message = switch (r.getOutcome()) {
      case "CONFIRMED" -> String.format("%s of request %s confirmed: assignment removed %s (%s)%s",
          "expiry".equals(r.getTrigger()) ? "Late revoke (assignment outlived its expired grant)" : "Revoke",
          r.getRequestId(), r.getTimeToRevokeMillis() == null ? "" : r.getTimeToRevokeMillis() + " ms after detection",
          attempts, RevokeSteps.overlapNote(r));
      case "ALREADY_ABSENT" -> String.format("Revoke of request %s: the assignment was already absent (%s)",
          r.getRequestId(), attempts);
      case "FAILED" -> String.format("Revoke of request %s FAILED after %s: %s%s", r.getRequestId(), attempts,
          r.getFailureReason(), r.getRevokeFailedAlertId() == null ? ""
              : " (REVOKE_FAILED alert " + r.getRevokeFailedAlertId() + ")");
      case "DRY_RUN" -> String.format("Revoke of request %s recorded as a dry run: no SSO Admin call was made",
          r.getRequestId());
      default -> String.format("Revoke of request %s: %s", r.getRequestId(), r.getOutcome());
    };
    Details d = Details.create().put("commandId", r.getCommandId()).put("trigger", r.getTrigger())
        .put("deletionRequestId", r.getDeletionRequestId()).put("deletionStatus", r.getDeletionStatus())
        .put("failureReason", r.getFailureReason()).put("attempts", r.getAttempts())
        .put("timeToRevokeMillis", r.getTimeToRevokeMillis())
        .put("commandIssuedAt", r.getCommandIssuedAt().toString()).put("startedAt", r.getStartedAt().toString());
    putAssignment(d, a);
    return new TimelineDraft("revoke:" + r.getCommandId() + ":" + outcome, r.getCompletedAt().toEpochMilli(),
        a == null ? null : a.getAccountId(), GLASSWATCH, "enforcement", "revoke_" + outcome, ecsOutcome, null, null,
        null, message, null, r.getAlertId(), null, null, null, d.toJson());
  }

  /** The first 12 hex characters of a fingerprint, enough to tell tokens apart in a message; "none" for null. */
  public static String shortFingerprint(String fingerprint) {
    return fingerprint == null ? "none" : fingerprint.substring(0, Math.min(12, fingerprint.length()));
  }

  /** The CloudTrail identity for user.name: userName, else the ARN, else "root" for Root, else the identity type. */
  public static String identityOf(CloudTrailEvent e) {
    if (e.getUserName() != null) {
      return e.getUserName();
    }
    if (e.getUserIdentityArn() != null) {
      return e.getUserIdentityArn();
    }
    if ("Root".equals(e.getUserIdentityType())) {
      return "root";
    }
    return e.getUserIdentityType() == null ? "unknown" : e.getUserIdentityType();
  }

  private static String outcomeOfResult(String result) {
    if (result == null) {
      return Ecs.UNKNOWN;
    }
    return switch (result.toLowerCase(Locale.ROOT)) {
      case "success", "succeeded", "ok", "allow", "allowed" -> Ecs.SUCCESS;
      case "failure", "failed", "error", "deny", "denied" -> Ecs.FAILURE;
      default -> Ecs.UNKNOWN;
    };
  }

  private static String revokeTarget(AccountAssignment a) {
    return a == null
        ? "no account assignment is recorded for the grant, so the executor cannot remove it"
        : String.format("remove %s %s from permission set %s on account %s", a.getPrincipalType(),
            a.getPrincipalId(), a.getPermissionSetArn(), a.getAccountId());
  }

  private static void putAssignment(Details d, AccountAssignment a) {
    if (a != null) {
      d.put("assignmentAccountId", a.getAccountId()).put("permissionSetArn", a.getPermissionSetArn())
          .put("principalType", a.getPrincipalType()).put("principalId", a.getPrincipalId())
          .put("instanceArn", a.getInstanceArn());
    }
  }
}
