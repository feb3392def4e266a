package io.glasswatch.streams.timeline;

import io.glasswatch.schema.TimelineEntry;
import java.time.Instant;

/**
 * A timeline entry before its correlation is decided and before it is chained: every
 * {@link TimelineEntry} field except {@code correlationId}, {@code requestId} and the chain fields.
 * Root events wait in state as drafts until Glasswatch knows which request (if any) covers them.
 *
 * @param entryId deterministic entry id, e.g. {@code cloudtrail:<eventID>}
 * @param timestamp when it happened, epoch milliseconds UTC
 * @param accountId AWS account id or null
 * @param source gateway, cloudtrail, guardduty or glasswatch
 * @param kind event, alert or enforcement
 * @param action ECS event.action
 * @param outcome success, failure or unknown
 * @param userName actor or null
 * @param sourceIp IP literal or null
 * @param userAgent user agent or null
 * @param message one readable line
 * @param eventId input event id or null
 * @param alertId alert id or null
 * @param alertType alert type or null
 * @param severity alert severity or null
 * @param tokenFingerprint grant token fingerprint or null (never a token)
 * @param details JSON object text or null
 */
public record TimelineDraft(
    String entryId,
    long timestamp,
    String accountId,
    String source,
    String kind,
    String action,
    String outcome,
    String userName,
    String sourceIp,
    String userAgent,
    String message,
    String eventId,
    String alertId,
    String alertType,
    String severity,
    String tokenFingerprint,
    String details) {

  /** This draft filed under another entry id (a conflicting duplicate's, for example). */
  public TimelineDraft withEntryId(String id) {
    return new TimelineDraft(id, timestamp, accountId, source, kind, action, outcome, userName, sourceIp, userAgent,
        message, eventId, alertId, alertType, severity, tokenFingerprint, details);
  }

  /**
   * The unchained entry ({@code sequence} 0, no hashes) filed under {@code correlationId}.
   *
   * @param correlationId request id or {@code account:<accountId>}
   * @param requestId request id, or null for account correlation
   */
  public TimelineEntry toEntry(String correlationId, String requestId) {
    return TimelineEntry.newBuilder()
        .setEntryId(entryId)
        .setTimestamp(Instant.ofEpochMilli(timestamp))
        .setCorrelationId(correlationId)
        .setRequestId(requestId)
        .setAccountId(accountId)
        .setSource(source)
        .setKind(kind)
        .setAction(action)
        .setOutcome(outcome)
        .setUserName(userName)
        .setSourceIp(sourceIp)
        .setUserAgent(userAgent)
        .setMessage(message)
        .setEventId(eventId)
        .setAlertId(alertId)
        .setAlertType(alertType)
        .setSeverity(severity)
        .setTokenFingerprint(tokenFingerprint)
        .setDetails(details)
        .setSequence(0L)
        .setPrevHash(null)
        .setHash(null)
        .build();
  }

  /** Prefix of account correlation ids. */
  public static final String ACCOUNT_PREFIX = "account:";

  /** The account correlation id of {@code accountId}: {@code account:<accountId>}. */
  public static String accountCorrelation(String accountId) {
    return ACCOUNT_PREFIX + accountId;
  }
}
