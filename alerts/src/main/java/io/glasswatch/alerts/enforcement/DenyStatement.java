package io.glasswatch.alerts.enforcement;

import io.glasswatch.schema.Hashing;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The deny statement of one containment, as compact JSON with a recognizable Sid
 * ({@code GlasswatchContain} + 16 hex characters of the command id's SHA-256).
 *
 * <p>Sources: IAM Identity Center User Guide, "Prepare to revoke an active IAM role session created by
 * a permission set" (docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html:
 * a Deny of every action conditioned on {@code identitystore:userId}, the user's identity store id, which
 * unlike {@code aws:userid} does not change with the user name) and "Revoke active IAM role sessions
 * created by permission sets" (.../revoke-user-permissions.html); IAM User Guide, "Revoke IAM role
 * temporary security credentials" (docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html:
 * {@code DateLessThan aws:TokenIssueTime}, the {@code AWSRevokeOlderSessions} pattern). AWS's procedure
 * puts the user deny in a service control policy; Glasswatch puts it in the permission set's own inline
 * policy (no Organizations permissions, and only the permission set of the grant is touched), adds the
 * {@code aws:TokenIssueTime} bound so a later, legitimate session is not affected, and provisions the
 * permission set to the account.
 *
 * @param sid the statement id
 * @param json the statement, compact JSON, keys in a fixed order
 */
record DenyStatement(String sid, String json) {
  /** Prefix of every Sid Glasswatch writes. */
  static final String SID_PREFIX = "GlasswatchContain";

  /** Validates. */
  DenyStatement {
    Objects.requireNonNull(sid, "sid");
    Objects.requireNonNull(json, "json");
  }

  /**
   * The Sid of a command.
   *
   * @param commandId the contain command id
   * @return {@code GlasswatchContain<16 hex>}
   */
  static String sidOf(String commandId) {
    return SID_PREFIX + Hashing.sha256Hex(commandId).substring(0, 16);
  }

  /**
   * Denies the user's sessions of a permission set issued before {@code deniedBefore}.
   *
   * @param commandId the command id (Sid)
   * @param userId the identity store user id ({@code identitystore:userId})
   * @param deniedBefore the {@code aws:TokenIssueTime} bound, truncated to whole seconds upward so the
   *     session that triggered the containment is never left out
   * @return the statement
   */
  static DenyStatement forPermissionSet(String commandId, String userId, Instant deniedBefore) {
    String sid = sidOf(commandId);
    return new DenyStatement(sid, "{\"Sid\":\"" + sid + "\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\","
        + "\"Condition\":{\"StringEquals\":{\"identitystore:userId\":\"" + jsonEscape(userId) + "\"},"
        + "\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + bound(deniedBefore) + "\"}}}");
  }

  /**
   * Denies every session of a role issued before {@code deniedBefore} ("revoke older sessions").
   *
   * @param commandId the command id (Sid)
   * @param deniedBefore the {@code aws:TokenIssueTime} bound
   * @return the statement
   */
  static DenyStatement forRole(String commandId, Instant deniedBefore) {
    String sid = sidOf(commandId);
    return new DenyStatement(sid, "{\"Sid\":\"" + sid + "\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\","
        + "\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + bound(deniedBefore) + "\"}}}");
  }

  /** ISO-8601 in whole seconds, rounded up: e.g. 2026-12-07T01:23:46Z for 01:23:45.200. */
  static String bound(Instant t) {
    Instant s = t.truncatedTo(ChronoUnit.SECONDS);
    return (s.equals(t) ? s : s.plusSeconds(1)).toString();
  }

  private static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
