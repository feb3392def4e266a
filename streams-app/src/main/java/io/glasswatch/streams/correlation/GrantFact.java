package io.glasswatch.streams.correlation;

/**
 * What stage A knows about one request's grant, sent re-keyed by account id to stage B whenever it
 * changes (JSON on the internal topic {@code grant-facts}). The latest fact of a request replaces the
 * previous one. All times are epoch milliseconds UTC, event time.
 *
 * @param requestId the request
 * @param kind {@code root} or {@code jit}
 * @param accountId account the grant is on (request accountId, else the grant's assignment account)
 * @param subject who asked, or null before the request event is seen
 * @param approved whether at least one approval was recorded
 * @param grantedAt grant event time
 * @param expiresAt grant expiry, or null when the grant carried none
 * @param assignment IAM Identity Center assignment the grant created, or null
 * @param tokenFingerprint fingerprint of the grant token, or null
 * @param grantEventId gateway event id of the grant, {@code <requestId>/grant/<n>}
 * @param endedAt when the grant ended early (expiry event or revocation), or null
 * @param endReason {@code expiry:<reason>} or {@code revoked}, or null
 * @param progress null for a grant fact; for a progress mark (every other field empty, see
 *     {@link #progressMark}), how far one gateway source has delivered through one partition of stage A.
 *     Marks share this topic with the facts so that a mark arrives after every fact of the records before
 *     it (JSON written before marks existed has no such field: a fact)
 */
public record GrantFact(
    String requestId,
    String kind,
    String accountId,
    String subject,
    boolean approved,
    long grantedAt,
    Long expiresAt,
    Assignment assignment,
    String tokenFingerprint,
    String grantEventId,
    Long endedAt,
    String endReason,
    SourceProgress progress) {

  /** Request kind of break-glass root logins. */
  public static final String KIND_ROOT = "root";

  /** A grant fact (no progress mark); see the record's fields. */
  public GrantFact(String requestId, String kind, String accountId, String subject, boolean approved, long grantedAt,
      Long expiresAt, Assignment assignment, String tokenFingerprint, String grantEventId, Long endedAt,
      String endReason) {
    this(requestId, kind, accountId, subject, approved, grantedAt, expiresAt, assignment, tokenFingerprint,
        grantEventId, endedAt, endReason, null);
  }

  /** The progress mark {@code p} in the form of the {@code grant-facts} topic (no request, no grant). */
  public static GrantFact progressMark(SourceProgress p) {
    return new GrantFact(null, null, null, null, false, p.time(), null, null, null, null, null, null, p);
  }

  /** Whether this is a progress mark rather than a grant fact. */
  public boolean isProgressMark() {
    return progress != null;
  }

  /** Whether this is a root break-glass request. */
  public boolean isRoot() {
    return KIND_ROOT.equals(kind);
  }

  /** End of the grant: the earlier of {@code expiresAt} and {@code endedAt}; null when neither is known. */
  public Long end() {
    if (expiresAt == null) {
      return endedAt;
    }
    return endedAt == null ? expiresAt : Math.min(expiresAt, endedAt);
  }
}
