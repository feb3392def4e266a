package io.glasswatch.streams.enforcement;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import java.time.Instant;

/**
 * Builds revoke commands for alerts. Rule: {@code commandId = Hashing.deterministicId("revoke",
 * alertId, requestId)}, so one alert revokes one request's grant at most once, and a replay issues the
 * same command ids; the executor treats a repeated command id as done. The command targets the IAM
 * Identity Center account assignment recorded by the grant (DeleteAccountAssignment,
 * docs.aws.amazon.com/singlesignon/latest/APIReference/API_DeleteAccountAssignment.html); with no
 * assignment recorded the command still goes out, so that the executor reports the failure loudly.
 *
 * <p>Expiry sweeper: {@code commandId = Hashing.deterministicId("revoke", "expiry", requestId)}, one per
 * request, trigger {@value #TRIGGER_EXPIRY}; the executor's {@code ListAccountAssignments} check answers
 * ALREADY_ABSENT when the gateway removed the assignment in time, and a CONFIRMED result is a late revoke.
 */
public final class RevokeCommands {
  /** {@code trigger} of commands caused by an alert. */
  public static final String TRIGGER_ALERT = "alert";
  /** {@code trigger} of the expiry sweeper's commands. */
  public static final String TRIGGER_EXPIRY = "expiry";

  private RevokeCommands() {}

  /** The command id of the revoke of {@code requestId}'s grant caused by {@code alertId}. */
  public static String commandId(String alertId, String requestId) {
    return Hashing.deterministicId("revoke", alertId, requestId);
  }

  /**
   * The revoke of one request's grant caused by {@code alert}.
   *
   * @param alert the alert (its id and summary go into the command)
   * @param requestId request whose grant is revoked; also the command's correlation id
   * @param assignment the grant's account assignment, or null when the grant recorded none
   * @param tokenFingerprint the grant token's fingerprint, or null
   * @param issuedAt event time of issue (stream time at the decision), epoch milliseconds
   * @param detectedAtWallClock wall-clock time of the decision, epoch milliseconds, for time-to-revoke: the
   *     processor context's system time ({@code System.currentTimeMillis()} of the stream thread in
   *     production; in replay the driver's clock, which follows event time, so replays stay identical)
   */
  public static RevokeCommand forAlert(Alert alert, String requestId, AccountAssignment assignment,
      String tokenFingerprint, long issuedAt, long detectedAtWallClock) {
    return forAlert(alert.getAlertId(), alert.getAlertType(), alert.getSummary(), requestId, assignment,
        tokenFingerprint, issuedAt, detectedAtWallClock);
  }

  /**
   * The revoke of one request's grant caused by an alert raised earlier, known by its id, type and
   * summary: for an alert raised before the request had a grant, revoked once the grant arrives. The
   * command is the one {@link #forAlert(Alert, String, AccountAssignment, String, long, long)} gives for
   * that alert.
   *
   * @param alertId the alert's id
   * @param alertType the alert's type, e.g. {@code SELF_APPROVAL}
   * @param summary the alert's summary
   * @param requestId request whose grant is revoked; also the command's correlation id
   * @param assignment the grant's account assignment, or null when the grant recorded none
   * @param tokenFingerprint the grant token's fingerprint, or null
   * @param issuedAt event time of issue (stream time at the decision), epoch milliseconds
   * @param detectedAtWallClock wall-clock time of the decision, epoch milliseconds (see above)
   */
  public static RevokeCommand forAlert(String alertId, String alertType, String summary, String requestId,
      AccountAssignment assignment, String tokenFingerprint, long issuedAt, long detectedAtWallClock) {
    return RevokeCommand.newBuilder()
        .setCommandId(commandId(alertId, requestId))
        .setRequestId(requestId)
        .setCorrelationId(requestId)
        .setAlertId(alertId)
        .setTrigger(TRIGGER_ALERT)
        .setReason(alertType + ": " + summary)
        .setAssignment(assignment)
        .setTokenFingerprint(tokenFingerprint)
        .setIssuedAt(Instant.ofEpochMilli(issuedAt))
        .setDetectedAtWallClock(Instant.ofEpochMilli(detectedAtWallClock))
        .build();
  }

  /** The command id of the expiry sweep of {@code requestId}'s grant. */
  public static String expiryCommandId(String requestId) {
    return Hashing.deterministicId("revoke", TRIGGER_EXPIRY, requestId);
  }

  /**
   * The expiry sweeper's revoke of an ended grant's assignment that an {@code AssumeRoleWithSAML} into its role
   * after the end shows is still there (SPEC 1.6): command id
   * {@code Hashing.deterministicId("revoke", "expiry", requestId, eventId)}, trigger {@value #TRIGGER_EXPIRY}.
   *
   * @param requestId request whose grant ended; also the command's correlation id
   * @param assignment the grant's account assignment (not null)
   * @param tokenFingerprint the grant token's fingerprint, or null
   * @param endedAt event time the grant ended, epoch milliseconds
   * @param eventId CloudTrail {@code eventID} of the {@code AssumeRoleWithSAML}
   * @param seenAt its event time, epoch milliseconds
   * @param issuedAt event time of issue, epoch milliseconds
   * @param detectedAtWallClock wall-clock time of the decision, epoch milliseconds
   */
  public static RevokeCommand forAssignmentSeen(String requestId, AccountAssignment assignment,
      String tokenFingerprint, long endedAt, String eventId, long seenAt, long issuedAt, long detectedAtWallClock) {
    return RevokeCommand.newBuilder()
        .setCommandId(Hashing.deterministicId("revoke", TRIGGER_EXPIRY, requestId, eventId))
        .setRequestId(requestId)
        .setCorrelationId(requestId)
        .setTrigger(TRIGGER_EXPIRY)
        .setReason("expiry sweep: AssumeRoleWithSAML " + eventId + " at " + Instant.ofEpochMilli(seenAt)
            + " into the role of request " + requestId + ", whose grant ended at " + Instant.ofEpochMilli(endedAt)
            + ": its account assignment is still there and must be gone")
        .setAssignment(assignment)
        .setTokenFingerprint(tokenFingerprint)
        .setIssuedAt(Instant.ofEpochMilli(issuedAt))
        .setDetectedAtWallClock(Instant.ofEpochMilli(detectedAtWallClock))
        .build();
  }

  /**
   * The expiry sweeper's revoke of one request's assignment, issued once the grant ended (its
   * {@code expiresAt} passed, or an expiry event arrived) and no other active grant of the principal
   * relies on the same assignment.
   *
   * @param requestId request whose grant ended; also the command's correlation id
   * @param assignment the grant's account assignment (not null)
   * @param tokenFingerprint the grant token's fingerprint, or null
   * @param endedAt event time the grant ended, epoch milliseconds
   * @param endReason {@code expiresAt}, or the reason of the expiry event ({@code expiry:ttl_elapsed}, ...)
   * @param issuedAt event time of issue (deadline time of the sweep), epoch milliseconds
   * @param detectedAtWallClock wall-clock time of the sweep decision, epoch milliseconds
   */
  public static RevokeCommand forExpiry(String requestId, AccountAssignment assignment, String tokenFingerprint,
      long endedAt, String endReason, long issuedAt, long detectedAtWallClock) {
    return RevokeCommand.newBuilder()
        .setCommandId(expiryCommandId(requestId))
        .setRequestId(requestId)
        .setCorrelationId(requestId)
        .setTrigger(TRIGGER_EXPIRY)
        .setReason("expiry sweep: the grant of request " + requestId + " ended at " + Instant.ofEpochMilli(endedAt)
            + " (" + endReason + "); its account assignment must be gone")
        .setAssignment(assignment)
        .setTokenFingerprint(tokenFingerprint)
        .setIssuedAt(Instant.ofEpochMilli(issuedAt))
        .setDetectedAtWallClock(Instant.ofEpochMilli(detectedAtWallClock))
        .build();
  }
}
