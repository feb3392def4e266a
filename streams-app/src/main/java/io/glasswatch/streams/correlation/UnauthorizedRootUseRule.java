package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.schema.Alert;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UNAUTHORIZED_ROOT_USE (SPEC section 3), one per unauthorized root session: uncovered root use (no
 * grant covered it once its decision delay passed) at most {@code rootSessionGap} apart forms a session
 * (formed by {@link AccountCorrelator}); the alert is decided when the session's first event is judged,
 * with the session's events known then as evidence (root use still pending that chains into it
 * included), defined by the first event; correlation {@code account:<id>}. Later events of the session (a
 * late CloudTrail record too) only go to the timeline; sessions are not merged once alerted. Revokes every
 * grant of the account active at the decision that has an assignment; the summary counts those it cannot
 * revoke. Policy: the account's.
 */
final class UnauthorizedRootUseRule implements AccountRule {
  private static final Logger LOG = LoggerFactory.getLogger(UnauthorizedRootUseRule.class);

  @Override
  public AlertType type() {
    return AlertType.UNAUTHORIZED_ROOT_USE;
  }

  @Override
  public int rank() {
    return 10;
  }

  @Override
  public void onUncovered(AccountState s, Uncovered batch, AccountContext ctx) {
    for (AccountState.RootSession session : batch.opened()) {
      raise(s, session, ctx);
    }
  }

  private static void raise(AccountState s, AccountState.RootSession session, AccountContext ctx) {
    Policy acct = ctx.accountPolicy();
    long now = ctx.now();
    List<String> evidence = evidence(s, session, acct.rootSessionGap().toMillis());
    AlertBuilder b = AlertBuilder.of(acct, AlertType.UNAUTHORIZED_ROOT_USE)
        .correlationId(s.correlation()).accountId(s.accountId).subject(session.subject)
        .defining(session.firstEventId).evidence(evidence).evidenceOmitted(omitted(s, session, evidence, acct))
        .detectedAt(now).eventTime(session.firstAt);
    List<AccountState.GrantView> targets = new ArrayList<>();
    int unrevocable = 0;
    if (b.has(Action.REVOKE)) {
      for (AccountState.GrantView v : s.grants.values()) {
        if (v.activeAt(now)) {
          if (v.fact.assignment() != null) {
            targets.add(v);
          } else {
            unrevocable++;
          }
        }
      }
    }
    StringBuilder summary = new StringBuilder(String.format(
        "Root credentials of account %s were used with no covering break-glass grant: %s at %s%s (%d root %s known).",
        s.accountId, session.firstAction, Instant.ofEpochMilli(session.firstAt),
        session.firstSourceIp == null ? "" : " from " + session.firstSourceIp, evidence.size(),
        evidence.size() == 1 ? "event" : "events"));
    if (!targets.isEmpty()) {
      summary.append(String.format(" Revoking %d active %s.", targets.size(), targets.size() == 1 ? "grant" : "grants"));
    }
    if (unrevocable > 0) {
      summary.append(String.format(" %d active %s no recorded assignment and cannot be revoked automatically.",
          unrevocable, unrevocable == 1 ? "grant has" : "grants have"));
      LOG.warn("account {}: {} active grants without an assignment cannot be revoked", s.accountId, unrevocable);
    }
    b.summary(summary.toString());
    Alert alert = ctx.raiseRevoking(b, targets);
    session.alertId = alert.getAlertId();
  }

  /** How many of the session's events (known and pending) {@code evidence} leaves out. */
  private static long omitted(AccountState s, AccountState.RootSession session, List<String> evidence, Policy acct) {
    long gap = acct.rootSessionGap().toMillis();
    long pending = s.pending.stream().filter(p -> p.isUse() && p.eventTime >= session.firstAt - gap
        && p.eventTime <= session.lastAt + gap && !evidence.contains(p.eventId)).count();
    return session.eventsOmitted + (evidence.size() >= AccountState.MAX_EVIDENCE ? pending : 0);
  }

  /** The session's events, then pending root use that chains into it, at most {@code MAX_EVIDENCE}. */
  private static List<String> evidence(AccountState s, AccountState.RootSession session, long gap) {
    List<String> evidence = new ArrayList<>(session.eventIds);
    long last = session.lastAt;
    List<AccountState.PendingRoot> waiting = new ArrayList<>(s.pending);
    waiting.sort(AccountState.PENDING_ORDER);
    for (AccountState.PendingRoot p : waiting) {
      if (p.isUse() && p.eventTime >= session.firstAt - gap && p.eventTime <= last + gap
          && evidence.size() < AccountState.MAX_EVIDENCE) {
        evidence.add(p.eventId);
        last = Math.max(last, p.eventTime);
      }
    }
    return evidence;
  }
}
