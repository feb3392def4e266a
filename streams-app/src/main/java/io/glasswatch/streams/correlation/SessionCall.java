package io.glasswatch.streams.correlation;

/**
 * One CloudTrail record of a grant's AWS session (SPEC 1.6), as {@link GrantSessions} attributed it. Times
 * are epoch milliseconds, event time.
 *
 * @param eventId CloudTrail {@code eventID}
 * @param at event time
 * @param eventSource e.g. {@code kms.amazonaws.com}
 * @param eventName e.g. {@code Decrypt}
 * @param session the session's key: {@code userIdentity.accessKeyId}, else {@code <role>/<session name>}
 * @param roleName the role of the session
 * @param sessionName the role session name
 * @param opening whether the record is the {@code AssumeRoleWithSAML} or {@code AssumeRole} that opened it
 * @param failed whether the call failed ({@code errorCode})
 * @param kmsKey the KMS key a KMS call names, or null
 */
record SessionCall(String eventId, long at, String eventSource, String eventName, String session, String roleName,
    String sessionName, boolean opening, boolean failed, String kmsKey) {

  /** {@code <eventSource prefix>:<eventName>}, e.g. {@code kms:Decrypt}. */
  String action() {
    int dot = eventSource == null ? -1 : eventSource.indexOf('.');
    return (dot > 0 ? eventSource.substring(0, dot) : String.valueOf(eventSource)) + ":" + eventName;
  }
}
