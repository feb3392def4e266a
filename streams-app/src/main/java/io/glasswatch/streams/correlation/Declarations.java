package io.glasswatch.streams.correlation;

import io.glasswatch.streams.policy.Policy;

/**
 * Which break-glass root declaration of an account covers an authorized root session, shared by the rules
 * that judge a session against its declaration (MISSING_AUDIT_RECORD: is there one; SESSION_OVERRUN: how
 * long it said the session would last).
 */
final class Declarations {
  private Declarations() {}

  /**
   * The declaration covering the authorized session of {@code v}, or null: the one naming the request
   * ({@code metadata.requestId}; the latest of those), else the latest declaration of the account in
   * {@code [grantedAt - skew, first root use]}, else the earliest in
   * {@code (first root use, first root use + decisionDelay]}. Null exactly when no declaration names the
   * request and none lies in {@code [grantedAt - skew, first root use + decisionDelay]} (a covered root use
   * is never before {@code grantedAt - skew}).
   *
   * @param s the account's state
   * @param v a grant with a first root use ({@code v.firstRootAt} not null)
   * @param pol the request's policy (skew, decision delay)
   */
  static AccountState.Declaration covering(AccountState s, AccountState.GrantView v, Policy pol) {
    String requestId = v.fact.requestId();
    long start = v.firstRootAt;
    long from = v.fact.grantedAt() - pol.skew().toMillis();
    long after = start + pol.decisionDelay().toMillis();
    AccountState.Declaration named = null;
    AccountState.Declaration before = null;
    AccountState.Declaration following = null;
    for (AccountState.Declaration d : s.declarations) {
      if (requestId.equals(d.requestId())) {
        if (named == null || d.at() > named.at()) {
          named = d;
        }
      } else if (d.at() >= from && d.at() <= start) {
        if (before == null || d.at() > before.at()) {
          before = d;
        }
      } else if (d.at() > start && d.at() <= after && (following == null || d.at() < following.at())) {
        following = d;
      }
    }
    return named != null ? named : before != null ? before : following;
  }
}
