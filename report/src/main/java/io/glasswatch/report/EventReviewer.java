package io.glasswatch.report;

import io.glasswatch.report.EventReview.Activity;
import io.glasswatch.report.EventReview.AlertRow;
import io.glasswatch.report.EventReview.Approval;
import io.glasswatch.report.EventReview.Chain;
import io.glasswatch.report.EventReview.ChecklistAnswer;
import io.glasswatch.report.EventReview.EnforcementRow;
import io.glasswatch.report.EventReview.Kind;
import io.glasswatch.report.EventReview.Rotation;
import io.glasswatch.report.EventReview.RotationStatus;
import io.glasswatch.report.EventReview.Verdict;
import io.glasswatch.sinks.timeline.TimelineVerifier;
import io.glasswatch.sinks.timeline.TimelineVerifier.ChainReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reviews one correlation of the timeline: reads its documents (the {@code _source} maps written by
 * {@code TimelineDocuments}) into an {@link EventReview} and answers the root break-glass runbook's
 * quarterly review checklist for it:
 *
 * <ul>
 *   <li><b>Minimum action?</b> No when an alert says the access went beyond what was granted or
 *       needed ({@link #OVERREACH}); yes when nothing was changed (read-only calls or no use); could not
 *       be decided when calls changed something within policy (whether each was needed is the
 *       reviewer's call); not applicable when access was never granted or used.
 *   <li><b>Rotation done?</b> From the rotation obligation: root activity obliges a rotation within
 *       {@code rotationDeadline} (policy, default 24 h) after the session ended; rotation evidence is
 *       a {@code rotation} event, a root credential change in CloudTrail or the {@code lifecycle_rotated}
 *       transition; {@code ROTATION_OVERDUE} makes it late (evidence later) or missing (none); due with
 *       the deadline not yet passed at the end of the period is undecided.
 *   <li><b>Audit row present?</b> Root use needs its break-glass root declaration (no when
 *       {@code MISSING_AUDIT_RECORD} was raised or no declaration is recorded); a JIT grant needs the
 *       controller's request and grant rows; account activity without a request has none.
 *   <li><b>CloudTrail matches?</b> The session log must agree with the grant: no when CloudTrail shows
 *       activity outside the grant ({@link #OUTSIDE_GRANT} alerts, or activity without a request); yes
 *       when CloudTrail records of the session are in the timeline and none is outside; undecided
 *       when the timeline holds no CloudTrail record for a used grant.
 * </ul>
 *
 * <p>Never throws for a bad document: unreadable fields are treated as absent, and the hash-chain
 * verification ({@link TimelineVerifier}) names the malformed entry. Stateless and thread-safe.
 */
public final class EventReviewer {
  /** Most activity rows kept per event; the rest is counted. */
  public static final int MAX_ACTIVITY = 60;

  /** Alert types that say the access went beyond its purpose (checklist: minimum action). */
  static final Set<String> OVERREACH = Set.of("ROOT_ANTIPATTERN", "SCOPE_ESCALATION", "USAGE_AFTER_EXPIRY",
      "TOKEN_REUSE", "SESSION_OVERRUN", "EXPIRY_EXTENDED", "EXCESSIVE_DURATION", "UNAUTHORIZED_ROOT_USE",
      "SESSION_OUTLIVED_GRANT", "EMERGENCY_ROLE_WITHOUT_REQUEST", "DUPLICATE_GRANT");

  /** Alert types that say the session log shows activity the grant does not cover (checklist: CloudTrail). */
  static final Set<String> OUTSIDE_GRANT = Set.of("UNAUTHORIZED_ROOT_USE", "SESSION_OVERRUN",
      "SESSION_OUTLIVED_GRANT", "USAGE_AFTER_EXPIRY", "EMERGENCY_ROLE_WITHOUT_REQUEST");

  /** The checklist's questions, in the runbook's order. */
  public static final List<String> QUESTIONS = List.of("Minimum action?", "Rotation done?",
      "Audit row present?", "CloudTrail matches?");

  private final Duration rotationDeadline;

  /**
   * @param rotationDeadline the policy's {@code rotationDeadline} (default 24 h)
   */
  public EventReviewer(Duration rotationDeadline) {
    this.rotationDeadline = Objects.requireNonNull(rotationDeadline, "rotationDeadline");
  }

  /**
   * Reviews one correlation.
   *
   * @param correlationId request id or {@code account:<id>}
   * @param documents every document of the correlation, any order
   * @param asOf the instant the review is made for (the end of the period, or now if earlier): a
   *     deadline after it is still open
   * @return the review
   */
  public EventReview review(String correlationId, List<Map<String, Object>> documents, Instant asOf) {
    ChainReport proof = TimelineVerifier.verify(correlationId, documents);
    List<Map<String, Object>> docs = new ArrayList<>(documents);
    docs.sort(Comparator.comparing((Map<String, Object> d) -> Objects.requireNonNullElse(Docs.timestamp(d), Instant.EPOCH))
        .thenComparingLong(Docs::sequence));
    Facts f = new Facts(correlationId);
    docs.forEach(f::add);
    Rotation rotation = rotation(f, asOf);
    List<String> findings = proof.findings().stream()
        .map(x -> x.problem() + " " + x.entryId() + " (sequence " + x.sequence() + "): " + x.detail()).toList();
    Chain chain = new Chain(proof.intact(), proof.links().size(), proof.headSequence(),
        TimelineVerifier.shortHash(proof.headHash()), findings);
    List<ChecklistAnswer> checklist = List.of(minimumAction(f), rotationDone(rotation),
        auditRow(f), cloudTrail(f));
    return new EventReview(correlationId, f.requestId, f.kind(), f.accountId, f.tenant, f.subject,
        f.requestedAt != null ? f.requestedAt : f.first, f.ticket, f.justification, f.approvals,
        f.requestedAt, f.approvedAt, f.grantedAt, f.expiresAt, f.endedAt, f.endReason, f.activity,
        f.activityTotal, f.writeCalls, f.alerts, f.enforcement, rotation, chain, checklist);
  }

  private Rotation rotation(Facts f, Instant asOf) {
    if (f.firstRoot == null) {
      return new Rotation(RotationStatus.NOT_DUE, null, null, null);
    }
    boolean overdue = f.alerts.stream().anyMatch(a -> "ROTATION_OVERDUE".equals(a.type()));
    if (overdue) {
      return new Rotation(f.rotatedAt != null ? RotationStatus.LATE : RotationStatus.MISSING, f.firstRoot,
          f.rotatedAt, f.rotationEvidence);
    }
    if (f.rotatedAt != null) {
      return new Rotation(RotationStatus.ON_TIME, f.firstRoot, f.rotatedAt, f.rotationEvidence);
    }
    Instant sessionEnd = f.endedAt != null ? f.endedAt : f.lastRoot;
    Instant deadline = sessionEnd.plus(rotationDeadline);
    return new Rotation(deadline.isBefore(asOf) ? RotationStatus.MISSING : RotationStatus.OPEN, f.firstRoot,
        null, null);
  }

  private static ChecklistAnswer minimumAction(Facts f) {
    String q = QUESTIONS.get(0);
    List<String> over = f.alerts.stream().map(AlertRow::type).filter(OVERREACH::contains).distinct().toList();
    if (!over.isEmpty()) {
      return new ChecklistAnswer(q, Verdict.NO, "alerts show more than the minimum: " + String.join(", ", over));
    }
    if (f.grantedAt == null && f.activityTotal == 0) {
      return new ChecklistAnswer(q, Verdict.NOT_APPLICABLE, "access was never granted or used");
    }
    if (f.writeCalls == 0) {
      return new ChecklistAnswer(q, Verdict.YES, f.activityTotal == 0 ? "the grant was not used"
          : "no changing action besides the credential rotation (" + f.activityTotal + " actions recorded)");
    }
    return new ChecklistAnswer(q, Verdict.UNDECIDED, f.writeCalls + " changing action" + (f.writeCalls == 1 ? "" : "s")
        + " within policy: whether each was needed is for the reviewer to confirm");
  }

  private static ChecklistAnswer rotationDone(Rotation r) {
    String q = QUESTIONS.get(1);
    return switch (r.status()) {
      case NOT_DUE -> new ChecklistAnswer(q, Verdict.NOT_APPLICABLE, "no root activity, so no rotation is due");
      case ON_TIME -> new ChecklistAnswer(q, Verdict.YES, "rotated on time at " + r.rotatedAt() + " (" + r.evidence() + ")");
      case LATE -> new ChecklistAnswer(q, Verdict.NO, "rotated late at " + r.rotatedAt() + ", after ROTATION_OVERDUE");
      case MISSING -> new ChecklistAnswer(q, Verdict.NO, "no rotation evidence after root activity at " + r.dueSince());
      case OPEN -> new ChecklistAnswer(q, Verdict.UNDECIDED, "rotation due, deadline not reached at the end of the period");
    };
  }

  private static ChecklistAnswer auditRow(Facts f) {
    String q = QUESTIONS.get(2);
    boolean missingAlert = f.alerts.stream().anyMatch(a -> "MISSING_AUDIT_RECORD".equals(a.type()));
    if (f.requestId == null) {
      return new ChecklistAnswer(q, f.activityTotal == 0 ? Verdict.UNDECIDED : Verdict.NO,
          "activity in the account without a break-glass request or declaration");
    }
    if (missingAlert) {
      return new ChecklistAnswer(q, Verdict.NO, "MISSING_AUDIT_RECORD: root use without a break-glass root declaration");
    }
    if (f.firstRoot != null) {
      return f.declaredAt != null
          ? new ChecklistAnswer(q, Verdict.YES, "root declaration at " + f.declaredAt)
          : new ChecklistAnswer(q, Verdict.NO, "root use but no root declaration in the timeline");
    }
    if (f.requestedAt == null) {
      return new ChecklistAnswer(q, Verdict.UNDECIDED, "the request row itself is not in the timeline");
    }
    return new ChecklistAnswer(q, Verdict.YES, "request" + (f.grantedAt != null ? " and grant" : "")
        + " rows present" + (f.grantedAt == null ? " (never granted)" : ""));
  }

  private static ChecklistAnswer cloudTrail(Facts f) {
    String q = QUESTIONS.get(3);
    List<String> outside = f.alerts.stream().map(AlertRow::type).filter(OUTSIDE_GRANT::contains).distinct().toList();
    if (!outside.isEmpty()) {
      return new ChecklistAnswer(q, Verdict.NO, "session activity outside the grant: " + String.join(", ", outside));
    }
    if (f.requestId == null) {
      return f.cloudTrailRecords == 0
          ? new ChecklistAnswer(q, Verdict.UNDECIDED, "no CloudTrail record in the timeline")
          : new ChecklistAnswer(q, Verdict.NO, f.cloudTrailRecords + " CloudTrail records no grant covers");
    }
    if (f.cloudTrailRecords > 0) {
      return new ChecklistAnswer(q, Verdict.YES, f.cloudTrailRecords + " CloudTrail record"
          + (f.cloudTrailRecords == 1 ? "" : "s") + " of the session, all inside the grant window");
    }
    if (f.grantedAt == null) {
      return new ChecklistAnswer(q, Verdict.NOT_APPLICABLE, "never granted: no session to match");
    }
    return new ChecklistAnswer(q, Verdict.UNDECIDED, f.gatewayUses == 0
        ? "no use and no CloudTrail record of the grant's session in the timeline"
        : "no CloudTrail record of the grant's session in the timeline to match the " + f.gatewayUses + " recorded uses");
  }

  /** What one pass over the documents collects. */
  private static final class Facts {
    final String correlationId;
    String requestId;
    String rawKind;
    String accountId;
    String tenant;
    String subject;
    String ticket;
    String justification;
    Instant first;
    Instant requestedAt;
    Instant approvedAt;
    Instant grantedAt;
    Instant expiresAt;
    Instant endedAt;
    String endReason;
    Instant declaredAt;
    Instant firstRoot;
    Instant lastRoot;
    Instant rotatedAt;
    String rotationEvidence;
    boolean emergencyRole;
    int activityTotal;
    int writeCalls;
    int cloudTrailRecords;
    int gatewayUses;
    final List<Approval> approvals = new ArrayList<>();
    final List<Activity> activity = new ArrayList<>();
    final List<AlertRow> alerts = new ArrayList<>();
    final List<EnforcementRow> enforcement = new ArrayList<>();

    Facts(String correlationId) {
      this.correlationId = correlationId;
      this.requestId = correlationId.startsWith("account:") ? null : correlationId;
      if (requestId == null) {
        accountId = correlationId.substring("account:".length());
      }
    }

    Kind kind() {
      if (requestId == null) {
        return emergencyRole ? Kind.EMERGENCY_ROLE : Kind.UNREQUESTED;
      }
      String k = rawKind == null ? "" : rawKind.toLowerCase(Locale.ROOT);
      if (k.equals("root")) {
        return Kind.ROOT;
      }
      return k.contains("role") || k.contains("emergency") || emergencyRole ? Kind.EMERGENCY_ROLE : Kind.JIT;
    }

    void add(Map<String, Object> d) {
      Instant at = Docs.timestamp(d);
      String kind = Objects.requireNonNullElse(Docs.text(d, "glasswatch", "kind"), "");
      String action = Objects.requireNonNullElse(Docs.text(d, "event", "action"), "");
      String provider = Objects.requireNonNullElse(Docs.text(d, "event", "provider"), "");
      if (first == null) {
        first = at;
      }
      if (accountId == null) {
        accountId = Docs.text(d, "cloud", "account", "id");
      }
      if (tenant == null) {
        tenant = Docs.detail(d, "tenant");
      }
      if (Docs.flag(d, "rootActivity") || Docs.flag(d, "rootUse")) {
        if (firstRoot == null || (at != null && at.isBefore(firstRoot))) {
          firstRoot = at;
        }
        lastRoot = at;
      }
      switch (kind) {
        case "alert" -> addAlert(d, at);
        case "enforcement" -> addEnforcement(d, at, action);
        case "state" -> addState(d, at, action);
        default -> addEvent(d, at, provider, action);
      }
    }

    private void addAlert(Map<String, Object> d, Instant at) {
      String type = Docs.text(d, "glasswatch", "alert_type");
      if ("EMERGENCY_ROLE_WITHOUT_REQUEST".equals(type)) {
        emergencyRole = true;
      }
      alerts.add(new AlertRow(at, Docs.text(d, "glasswatch", "alert_id"), type,
          Docs.text(d, "glasswatch", "severity"), Docs.text(d, "message"), Docs.detail(d, "runbook")));
    }

    private void addEnforcement(Map<String, Object> d, Instant at, String action) {
      Long ttr = Docs.number(d, "glasswatch", "details", "timeToRevokeMillis");
      enforcement.add(new EnforcementRow(at, action, Docs.text(d, "event", "outcome"),
          ttr == null ? null : Duration.ofMillis(ttr), Docs.text(d, "message")));
      if (action.equals("revoke_confirmed") && endedAt == null) {
        endedAt = at;
        endReason = "revoked";
      }
    }

    private void addState(Map<String, Object> d, Instant at, String action) {
      if (rawKind == null) {
        rawKind = Docs.detail(d, "requestKind");
      }
      if (action.equals("lifecycle_approved") && approvedAt == null) {
        approvedAt = at;
      } else if (action.equals("lifecycle_rotated")) {
        rotation(at, "lifecycle: " + Docs.detail(d, "cause"));
      }
    }

    private void addEvent(Map<String, Object> d, Instant at, String provider, String action) {
      String user = Docs.text(d, "user", "name");
      if (provider.equals("gateway")) {
        switch (action) {
          case "request" -> {
            requestedAt = requestedAt == null ? at : requestedAt;
            subject = subject == null ? user : subject;
            rawKind = Docs.detail(d, "kind");
            ticket = Docs.detail(d, "ticketId");
            justification = justification(d);
            return;
          }
          case "approval" -> {
            approvals.add(new Approval(at, user, Docs.detail(d, "approverRole"), Docs.detail(d, "approverAcr"),
                Docs.detail(d, "comment")));
            return;
          }
          case "grant" -> {
            grantedAt = grantedAt == null ? at : grantedAt;
            Instant exp = Docs.instant(Docs.detail(d, "expiresAt"));
            expiresAt = exp != null ? exp : expiresAt;
            return;
          }
          case "expiry" -> {
            if (endedAt == null || "revoked".equals(endReason)) {
              endedAt = endedAt == null ? at : endedAt;
              endReason = endReason == null ? Docs.detail(d, "reason") : endReason;
            }
            return;
          }
          case "root_declaration" -> declaredAt = declaredAt == null ? at : declaredAt;
          case "rotation" -> rotation(at, "rotation of " + Docs.detail(d, "credential") + " declared by " + user);
          case "usage" -> {
            gatewayUses++;
            writeCalls++;
          }
          default -> { }
        }
      } else if (provider.equals("cloudtrail")) {
        cloudTrailRecords++;
        boolean credentialChange = Docs.flag(d, "rootCredentialChange");
        if ("false".equals(Docs.detail(d, "readOnly")) && !credentialChange) {
          writeCalls++;
        }
        if (credentialChange && requestId != null) {
          // after root use no request covers, a credential change is suspect (possible takeover), never rotation
          rotation(at, action + " by " + user);
        }
      }
      subject = subject == null ? user : subject;
      activityTotal++;
      if (activity.size() < MAX_ACTIVITY) {
        activity.add(new Activity(at, provider, action, user, Docs.text(d, "glasswatch", "outcome"), session(d),
            Docs.text(d, "message")));
      }
    }

    private void rotation(Instant at, String evidence) {
      if (rotatedAt == null && at != null && (firstRoot == null || !at.isBefore(firstRoot))) {
        rotatedAt = at;
        rotationEvidence = evidence;
      }
    }

    private static String justification(Map<String, Object> d) {
      String explicit = Docs.detail(d, "justification");
      if (explicit != null) {
        return explicit;
      }
      String message = Docs.text(d, "message");
      int colon = message == null ? -1 : message.indexOf("): ");
      return colon < 0 ? message : message.substring(colon + 3);
    }

    /** The AWS session attribution of a CloudTrail record: identity ARN, access key and session start when present. */
    private static String session(Map<String, Object> d) {
      String arn = Docs.detail(d, "userIdentityArn");
      String key = Docs.detail(d, "accessKeyId");
      String created = Docs.detail(d, "sessionCreationDate");
      if (arn == null && key == null) {
        return null;
      }
      StringBuilder s = new StringBuilder(arn == null ? "" : arn);
      if (key != null) {
        s.append(s.isEmpty() ? "" : ", ").append("credentials ").append(key);
      }
      if (created != null) {
        s.append(", session from ").append(created);
      }
      return s.toString();
    }
  }
}
