package io.glasswatch.alerts.oncall;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the {@link Notice}s that are not plain alerts: enforcement notices from revoke results,
 * resolutions from {@code AlertResolution} decisions, storm reports and digests. Pure functions.
 */
public final class Notices {
  /** Progress step of a revoke that missed its deadline ({@code SsoAdminRevoker.STEP_DEADLINE_MISSED}). */
  static final String STEP_DEADLINE_MISSED = "deadline_missed";
  private static final Set<String> REVOKED = Set.of("CONFIRMED", "ALREADY_ABSENT");

  private Notices() {}

  /**
   * The enforcement notice of a revoke result, if it warrants one.
   *
   * <p>Rule: a final result ({@code CONFIRMED}, {@code ALREADY_ABSENT}, {@code FAILED}, or one
   * recorded without an AWS call such as {@code DRY_RUN}) is one notice, key {@code revoke:<commandId>};
   * the progress record of a missed deadline (outcome {@code IN_PROGRESS}, step
   * {@value #STEP_DEADLINE_MISSED}) is one critical notice "Revoke not confirmed in time", key
   * {@code revoke:<commandId>:deadline-missed}; a containment step (contained, confirmed from CloudTrail,
   * cleaned up, deadline missed, failed, a contained session still working) is one notice, key
   * {@code contain:<commandId>:<step>}; other progress records are none.
   *
   * @param r the result
   * @param links how links are built
   * @return the notice, or empty
   */
  public static Optional<Notice> ofRevokeResult(RevokeResult r, Links links) {
    String outcome = r.getOutcome();
    String key = "revoke:" + r.getCommandId();
    String title;
    String summary;
    String severity = "info";
    String type = "REVOKE_CONFIRMED";
    switch (outcome) {
      case "CONFIRMED" -> {
        Long ms = r.getTimeToRevokeMillis();
        title = "Access revoked" + (ms == null ? "" : " in " + String.format(Locale.ROOT, "%.1f s", ms / 1000.0));
        summary = title + " for request " + r.getRequestId() + (r.getAlertId() == null ? "" : " (alert " + r.getAlertId() + ")")
            + "." + also(r);
      }
      case "FAILED" -> {
        title = "Revoke failed";
        summary = "Revoke of request " + r.getRequestId() + " failed"
            + (r.getFailureReason() == null ? "" : ": " + r.getFailureReason()) + " after " + r.getAttempts() + " attempt(s).";
        severity = "critical";
        type = "REVOKE_FAILED";
      }
      case "ALREADY_ABSENT" -> {
        title = "Access already absent";
        summary = "The assignment of request " + r.getRequestId() + " was already gone when the revoke ran.";
      }
      case "IN_PROGRESS" -> {
        if (r.getStep() != null && CONTAIN_NOTICES.containsKey(r.getStep())) {
          return Optional.of(containNotice(r, links));
        }
        if (!STEP_DEADLINE_MISSED.equals(r.getStep())) {
          return Optional.empty();
        }
        key += ":deadline-missed";
        title = "Revoke not confirmed in time";
        summary = "Revoke of request " + r.getRequestId() + " is not confirmed within its deadline"
            + (r.getFailureReason() == null ? "" : " (" + r.getFailureReason() + ")") + "; still trying.";
        severity = "critical";
        type = "REVOKE_FAILED";
      }
      default -> {
        title = "Revoke recorded (" + outcome.toLowerCase(Locale.ROOT) + ")";
        summary = "Revoke of request " + r.getRequestId() + " recorded without an AWS call (" + outcome + ").";
        type = "REVOKE_" + outcome;
      }
    }
    String account = r.getAssignment() == null ? null : r.getAssignment().getAccountId();
    return Optional.of(new Notice(Notice.Kind.ENFORCEMENT, key, title, summary, severity, type, r.getAlertId(),
        r.getCorrelationId(), r.getRequestId(), account, null, List.of(), null,
        links.timeline(r.getCorrelationId(), r.getRequestId()), r.getCompletedAt(), List.of(), null, r));
  }

  /** Containment steps that reach on-call: step → title, severity, notice type. */
  private static final java.util.Map<String, String[]> CONTAIN_NOTICES = java.util.Map.of(
      "contain_contained", new String[] {"Sessions contained", "info", "SESSIONS_CONTAINED"},
      "contain_session_denied", new String[] {"Containment confirmed from CloudTrail", "info", "SESSIONS_CONTAINED"},
      "contain_cleaned_up", new String[] {"Containment removed", "info", "CONTAINMENT_CLEANED_UP"},
      "contain_deadline_missed", new String[] {"Containment not confirmed in time", "critical", "CONTAINMENT_FAILED"},
      "contain_failed", new String[] {"Containment failed", "critical", "CONTAINMENT_FAILED"},
      "contain_session_succeeded", new String[] {"Contained session still works", "critical", "CONTAINMENT_FAILED"});

  /**
   * The notice of a containment step (the containment service's progress records, step {@code contain_*}):
   * key {@code contain:<commandId>:<step>}, the record's message as summary; "Sessions contained in 2.1 s"
   * takes its time from the message.
   */
  private static Notice containNotice(RevokeResult r, Links links) {
    String[] n = CONTAIN_NOTICES.get(r.getStep());
    String message = r.getMessage() == null ? r.getStep() : r.getMessage();
    String title = n[0];
    if ("contain_contained".equals(r.getStep()) && message.startsWith("Sessions contained in ")) {
      title = message.substring(0, message.indexOf(':') < 0 ? message.length() : message.indexOf(':'));
    }
    String account = r.getAssignment() == null ? null : r.getAssignment().getAccountId();
    return new Notice(Notice.Kind.ENFORCEMENT, "contain:" + r.getCommandId() + ":" + r.getStep(), title, message, n[1],
        n[2], r.getAlertId(), r.getCorrelationId(), r.getRequestId(), account, null, List.of(), null,
        links.timeline(r.getCorrelationId(), r.getRequestId()), r.getCompletedAt(), List.of(), null, r);
  }

  private static String also(RevokeResult r) {
    List<String> also = r.getAlsoRevokedRequestIds();
    return also == null || also.isEmpty() ? "" : " The assignment also ended the grants of requests " + String.join(", ", also) + ".";
  }

  /**
   * The wording of an enforcement notice in the signed webhook's body.
   *
   * @param n an enforcement notice
   * @return {@code sessions contained} or {@code containment failed} for containment steps, {@code access revoked}, {@code late revoke} (an expiry-triggered revoke that had to remove
   *     the assignment) or {@code revoke failed}
   */
  public static String notification(Notice n) {
    RevokeResult r = n.revoke();
    if (n.key().startsWith("contain:")) {
      return "CONTAINMENT_FAILED".equals(n.alertType()) ? "containment failed" : "sessions contained";
    }
    if ("REVOKE_FAILED".equals(n.alertType())) {
      return "revoke failed";
    }
    if (r != null && "expiry".equals(r.getTrigger()) && "CONFIRMED".equals(r.getOutcome())) {
      return "late revoke";
    }
    return r != null && REVOKED.contains(r.getOutcome()) ? "access revoked" : "revoke recorded";
  }

  /**
   * The resolution notice of a decision, key {@code resolve:<alertId>}, severity {@code info}.
   *
   * @param r the decision of the rule that raised the alert
   * @param links how links are built
   * @return the notice; its summary is the decision's reason
   */
  public static Notice ofResolution(AlertResolution r, Links links) {
    return new Notice(Notice.Kind.RESOLVED, "resolve:" + r.getAlertId(), "Resolved: " + r.getAlertType(), r.getReason(),
        "info", r.getAlertType(), r.getAlertId(), r.getCorrelationId(), r.getRequestId(), r.getAccountId(), null,
        r.getEvidence(), null, links.timeline(r.getCorrelationId(), r.getRequestId()), r.getResolvedAt(), List.of(), null,
        null);
  }

  /**
   * The report that a storm began, key {@code storm:<type>:<start ms>}.
   *
   * @param first the alert that crossed the threshold
   * @param count alerts of its type within the window
   * @param storm the storm settings
   * @param links how links are built
   * @param startedAt wall-clock start of the storm
   * @return the notice
   */
  public static Notice storm(Alert first, int count, Routing.Storm storm, Links links, Instant startedAt) {
    String type = first.getAlertType();
    return new Notice(Notice.Kind.STORM, "storm:" + type + ":" + startedAt.toEpochMilli(), "Alert storm: " + type,
        type + " fired " + count + " times within " + storm.window().toSeconds() + " s (threshold " + storm.threshold()
            + "); further alerts of this type come as one digest every " + storm.digestInterval().toSeconds() + " s.",
        first.getSeverity(), type, null, null, null, null, null, List.of(), links.runbook(first.getRunbook()), null,
        startedAt, List.of(), null, null);
  }

  /**
   * One digest of the alerts held during a storm, key {@code digest:<type>:<first alert id>}.
   *
   * @param type the alert type
   * @param grouped the alerts held, oldest first; not empty
   * @param links how links are built
   * @param at wall-clock time of the digest
   * @return the notice: critical when any alert is, the account when all share one
   */
  public static Notice digest(String type, List<Alert> grouped, Links links, Instant at) {
    Alert first = grouped.getFirst();
    Set<String> accounts = new java.util.LinkedHashSet<>();
    grouped.forEach(a -> accounts.add(String.valueOf(a.getAccountId())));
    String severity = grouped.stream().anyMatch(a -> "critical".equals(a.getSeverity())) ? "critical" : first.getSeverity();
    return new Notice(Notice.Kind.DIGEST, "digest:" + type + ":" + first.getAlertId(), "Storm digest: " + type,
        grouped.size() + " more " + type + " alerts during the storm, accounts " + accounts + ".", severity, type, null,
        null, null, accounts.size() == 1 ? first.getAccountId() : null, null, List.of(), links.runbook(first.getRunbook()),
        null, at, grouped, null, null);
  }
}
