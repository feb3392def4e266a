package io.glasswatch.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The review of one break-glass event: one correlation of the timeline (a request id, or
 * {@code account:<id>} for activity no request covers), as the report shows it. Built by
 * {@link EventReviewer} from the correlation's documents; holds at most
 * {@link EventReviewer#MAX_ACTIVITY} activity rows, so its size does not grow with the chain.
 *
 * @param correlationId {@code glasswatch.correlation_id}
 * @param requestId the break-glass request, null for account activity
 * @param kind {@link Kind}
 * @param accountId AWS account, or null when no document names one
 * @param tenant tenant of the request, or null
 * @param subject who broke glass (the requester, else the first user named)
 * @param start time of the request (else of the first document)
 * @param ticket ticket id of the request, or null
 * @param justification the request's justification (its message), or null
 * @param approvals every approval, in time order
 * @param requestedAt request time, or null
 * @param approvedAt time the required approvals were complete ({@code lifecycle_approved}), or null
 * @param grantedAt grant time, or null
 * @param expiresAt end of the grant window as granted, or null
 * @param endedAt when the grant ended (expiry or revoke), or null
 * @param endReason why it ended (ttl_elapsed, revoked, ...), or null
 * @param activity what was done, in time order, at most {@link EventReviewer#MAX_ACTIVITY} rows
 * @param activityTotal how many activity documents there were in all
 * @param writeCalls how many of them changed something (CloudTrail {@code readOnly} false, usages)
 * @param alerts every alert of the correlation, in time order
 * @param enforcement every revoke or containment step with an outcome, in time order
 * @param rotation the credential rotation this event obliged
 * @param chain the hash-chain verification
 * @param checklist the runbook's review checklist answered for this event
 */
public record EventReview(String correlationId, String requestId, Kind kind, String accountId, String tenant,
    String subject, Instant start, String ticket, String justification, List<Approval> approvals,
    Instant requestedAt, Instant approvedAt, Instant grantedAt, Instant expiresAt, Instant endedAt,
    String endReason, List<Activity> activity, int activityTotal, int writeCalls, List<AlertRow> alerts,
    List<EnforcementRow> enforcement, Rotation rotation, Chain chain, List<ChecklistAnswer> checklist) {

  /** Copies the lists. */
  public EventReview {
    approvals = List.copyOf(approvals);
    activity = List.copyOf(activity);
    alerts = List.copyOf(alerts);
    enforcement = List.copyOf(enforcement);
    checklist = List.copyOf(checklist);
  }

  /** Kinds of break-glass events. */
  public enum Kind {
    /** A root break-glass request. */
    ROOT("root"),
    /** A just-in-time grant through IAM Identity Center. */
    JIT("JIT"),
    /** An emergency IAM role session. */
    EMERGENCY_ROLE("emergency role"),
    /** Activity in an account that no request covers ({@code account:<id>}). */
    UNREQUESTED("no request");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The label the report prints. */
    public String label() {
      return label;
    }
  }

  /**
   * One approval.
   *
   * @param at time
   * @param approver who approved
   * @param role the approver's role, or null
   * @param assurance the approver's authentication context class (loa1..loa4), or null
   * @param comment the approver's comment, or null
   */
  public record Approval(Instant at, String approver, String role, String assurance, String comment) {}

  /**
   * One thing done under (or outside) the grant.
   *
   * @param at time
   * @param source gateway or cloudtrail
   * @param action {@code event.action}
   * @param actor {@code user.name}
   * @param outcome {@code glasswatch.outcome}, or null
   * @param session the AWS session attribution (credentials and session start) when CloudTrail gives one, or null
   * @param message the timeline message
   */
  public record Activity(Instant at, String source, String action, String actor, String outcome, String session,
      String message) {}

  /**
   * One alert.
   *
   * @param at time
   * @param alertId deterministic alert id
   * @param type alert type (SPEC section 3)
   * @param severity critical, high, medium or low
   * @param summary the alert's sentence
   * @param runbook the runbook anchor, or null
   */
  public record AlertRow(Instant at, String alertId, String type, String severity, String summary, String runbook) {}

  /**
   * One enforcement step: a revoke requested, confirmed, already absent, failed, or a containment.
   *
   * @param at time
   * @param action {@code event.action} (revoke_requested, revoke_confirmed, ...)
   * @param outcome success, failure or unknown
   * @param timeToRevoke time from detection to confirmation, or null
   * @param message the timeline message
   */
  public record EnforcementRow(Instant at, String action, String outcome, Duration timeToRevoke, String message) {}

  /** Rotation states. */
  public enum RotationStatus {
    /** No root activity: nothing to rotate. */
    NOT_DUE("not due"),
    /** Rotated before the deadline. */
    ON_TIME("on time"),
    /** Rotated after the deadline (ROTATION_OVERDUE was raised). */
    LATE("late"),
    /** The deadline passed without rotation. */
    MISSING("missing"),
    /** Due, the deadline has not passed yet and no rotation is recorded. */
    OPEN("open");

    private final String label;

    RotationStatus(String label) {
      this.label = label;
    }

    /** The label the report prints. */
    public String label() {
      return label;
    }
  }

  /**
   * The rotation obligation of an event.
   *
   * @param status {@link RotationStatus}
   * @param dueSince when the obligation began (first root activity), or null
   * @param rotatedAt first rotation evidence, or null
   * @param evidence what showed the rotation (event action and actor), or null
   */
  public record Rotation(RotationStatus status, Instant dueSince, Instant rotatedAt, String evidence) {}

  /**
   * The hash-chain verification of the correlation.
   *
   * @param intact whether no break was found
   * @param entries number of documents
   * @param headSequence last sequence
   * @param headHash first 12 hex characters of the last hash
   * @param findings one sentence per break
   */
  public record Chain(boolean intact, int entries, long headSequence, String headHash, List<String> findings) {
    /** Copies the list. */
    public Chain {
      findings = List.copyOf(findings);
    }
  }

  /** Answers of the review checklist. */
  public enum Verdict {
    /** The check holds. */
    YES("yes"),
    /** The check fails. */
    NO("no"),
    /** The timeline does not hold what is needed to decide. */
    UNDECIDED("could not be decided"),
    /** The check does not apply to this event. */
    NOT_APPLICABLE("not applicable");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    /** The label the report prints. */
    public String label() {
      return label;
    }
  }

  /**
   * One question of the runbook's quarterly review, answered.
   *
   * @param question the question
   * @param verdict the answer
   * @param reason why, in one sentence
   */
  public record ChecklistAnswer(String question, Verdict verdict, String reason) {}
}
