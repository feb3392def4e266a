package io.glasswatch.alerts.oncall;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message for on-call responders, rendered by each {@link NoticeChannel} in its own format: an
 * alert, the resolution of an earlier alert, an enforcement notice (a revoke confirmed or failed),
 * a storm digest, or the report that a storm began.
 *
 * @param kind what the notice says
 * @param key idempotency key, stable across restarts: the alert id for {@link Kind#ALERT},
 *     {@code resolve:<alertId>}, {@code revoke:<commandId>}, {@code digest:<alertType>:<first alert id>},
 *     {@code storm:<alertType>:<epoch ms of the storm's start>}; part of the delivery key
 *     {@code <key>|<channel>} and of the PagerDuty {@code dedup_key}
 * @param title one short line, e.g. {@code UNAUTHORIZED_ROOT_USE (critical)}
 * @param summary one sentence for a human
 * @param severity {@code critical}, {@code high}, {@code medium}, {@code low} or {@code info}
 * @param alertType alert type, or for enforcement notices {@code REVOKE_CONFIRMED} / {@code REVOKE_FAILED}
 * @param alertId the alert the notice is about (for {@link Kind#RESOLVED}: the alert resolved), or null
 * @param correlationId correlation id of the timeline, or null
 * @param requestId break-glass request id, or null
 * @param accountId AWS account id, or null
 * @param subject subject of the request, or null
 * @param evidence input event ids (empty when none)
 * @param runbookUrl absolute link to the runbook, or null
 * @param timelineUrl link to the correlation's timeline in Kibana, or null
 * @param at when the notice's event happened (alert detection, revoke completion), UTC
 * @param grouped alerts summarised by a {@link Kind#DIGEST} (empty otherwise)
 * @param alert the alert itself for {@link Kind#ALERT}, else null
 * @param revoke the revoke result an {@link Kind#ENFORCEMENT} notice reports, else null
 */
public record Notice(Kind kind, String key, String title, String summary, String severity, String alertType,
    String alertId, String correlationId, String requestId, String accountId, String subject, List<String> evidence,
    String runbookUrl, String timelineUrl, Instant at, List<Alert> grouped, Alert alert, RevokeResult revoke) {

  /** What a notice says. */
  public enum Kind {
    /** A new alert. */
    ALERT,
    /**
     * An earlier alert no longer stands: the rule that raised it decided so (an {@code AlertResolution}
     * on {@code alert-resolutions}: the rotation arrived, a failed revoke was confirmed later).
     */
    RESOLVED,
    /** An enforcement step: a revoke confirmed ("access revoked in 1.2 s") or failed. */
    ENFORCEMENT,
    /** Alerts of one rule grouped during a storm, one message per digest interval. */
    DIGEST,
    /** A rule began to fire more often than the storm threshold. */
    STORM
  }

  /** Validates: kind, key, title, summary, severity and time present; lists copied. */
  public Notice {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(at, "at");
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
    grouped = grouped == null ? List.of() : List.copyOf(grouped);
  }

  /**
   * Whether the notice is critical; quiet hours never hold back a critical notice.
   *
   * @return true for severity {@code critical}
   */
  public boolean critical() {
    return "critical".equals(severity);
  }

  /**
   * A notice of {@code alert}.
   *
   * @param alert the alert
   * @param links how links are built
   * @return a notice of kind {@link Kind#ALERT} keyed by the alert id
   */
  public static Notice of(Alert alert, Links links) {
    return new Notice(Kind.ALERT, alert.getAlertId(), alert.getAlertType() + " (" + alert.getSeverity() + ")",
        alert.getSummary(), alert.getSeverity(), alert.getAlertType(), alert.getAlertId(), alert.getCorrelationId(),
        alert.getRequestId(), alert.getAccountId(), alert.getSubject(), alert.getEvidence(),
        links.runbook(alert.getRunbook()), links.timeline(alert.getCorrelationId(), alert.getRequestId()),
        alert.getDetectedAt(), List.of(), alert, null);
  }
}
