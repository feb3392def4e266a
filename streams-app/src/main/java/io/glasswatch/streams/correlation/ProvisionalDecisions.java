package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.Action;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Provisional decisions of stage B ({@link RootDecision.Verdict#PROVISIONAL}): uncovered root events paged
 * before their decision delay passed, still open to a grant that covers them (SPEC section 2). Every root
 * alert rule (UNAUTHORIZED_ROOT_USE, ROOT_LOGIN_WITHOUT_MFA, ROOT_LOGIN_FAILED, ROOT_ANTIPATTERN, ...)
 * decides such events exactly as it decides final ones; this class only changes what follows.
 *
 * <ul>
 *   <li>Page now, revoke later: the alerts of a provisional decision are published at once, but a revoke
 *       their policy asks for is held back until the decision is final ({@code confirmAt}: deadline time
 *       at the latest event's time plus {@code decisionDelay}); the alert's summary says so and names no
 *       revoked request. A revoke cannot be withdrawn (the assignment is gone, the session cut), and
 *       revoking a grant because of a root event that turns out authorized is the worst outcome; a page
 *       that is resolved a minute later costs a responder a glance.
 *   <li>Late grant: a grant fact that covers provisional events (its window, with {@code skew}) before
 *       {@code confirmAt} resolves every alert of the decision whose root evidence it all covers: an
 *       {@link AlertResolution} of kind {@value #LATE_GRANT} on {@code alert-resolutions} (PagerDuty
 *       {@code resolve} and a chat message through the on-call dispatcher), its {@code alert_resolved}
 *       timeline entry naming the grant, the grant's time and how late its fact came after the page, and
 *       no revoke. The covered events then leave their unauthorized session and are filed under the grant
 *       as covered events (its session, lifecycle, rotation obligation and the rules' covered judgements,
 *       e.g. ROOT_LOGIN_WITHOUT_MFA under the request), so live operation ends with the alerts replay
 *       raises. An alert part of whose root evidence the grant does not cover stands.
 *   <li>Final: at {@code confirmAt} the held-back revokes of the alerts still standing are issued (the
 *       grants active then, as a final decision would have chosen them) and the record is dropped.
 * </ul>
 */
final class ProvisionalDecisions {
  /** {@code AlertResolution.kind} of an alert resolved by a late grant. */
  static final String LATE_GRANT = "late_grant";

  /** Files a provisional event under the grant that covers it, as a covered event. */
  interface Refile {
    void covered(AccountState.PendingRoot p, AccountState.GrantView g);
  }

  private ProvisionalDecisions() {}

  /**
   * The context the rules see while deciding {@code rec}: alerts are published at once and recorded in
   * {@code rec}; revokes are recorded, not issued.
   */
  static AccountContext recording(AccountContext base, AccountState.Provisional rec) {
    return new AccountContext() {
      @Override
      public long now() {
        return base.now();
      }

      @Override
      public long lateInputWait(Policy pol) {
        return base.lateInputWait(pol);
      }

      @Override
      public Policy accountPolicy() {
        return base.accountPolicy();
      }

      @Override
      public Policy policyOf(AccountState.GrantView v) {
        return base.policyOf(v);
      }

      @Override
      public Alert raise(AlertBuilder b, String requestId) {
        return hold(b, requestId == null ? AccountState.ProvisionalAlert.REVOKE_ACCOUNT : requestId);
      }

      @Override
      public Alert raiseRevoking(AlertBuilder b, List<AccountState.GrantView> targets) {
        // the grants active when the decision is final are chosen then: none may be active yet
        return hold(b, AccountState.ProvisionalAlert.REVOKE_ASSIGNED);
      }

      @Override
      public Alert raiseOnly(AlertBuilder b) {
        return hold(b, null);
      }

      @Override
      public void resolve(AlertResolution r) {
        base.resolve(r);
      }

      private Alert hold(AlertBuilder b, String revoke) {
        String held = b.has(Action.REVOKE) ? revoke : null;
        if (held != null) {
          b.appendSummary("Revoke held back until " + Instant.ofEpochMilli(rec.confirmAt)
              + " (deadline time): a covering grant arriving before then resolves this alert instead.");
        }
        Alert alert = base.raiseOnly(b);
        AccountState.ProvisionalAlert a = new AccountState.ProvisionalAlert();
        a.alertId = alert.getAlertId();
        a.alertType = alert.getAlertType();
        a.correlationId = alert.getCorrelationId();
        a.requestId = alert.getRequestId();
        a.summary = alert.getSummary();
        a.evidence = new ArrayList<>(alert.getEvidence());
        a.detectedAt = alert.getDetectedAt().toEpochMilli();
        a.revoke = held;
        rec.alerts.add(a);
        return alert;
      }
    };
  }

  /**
   * A new provisional decision of {@code events} (event-time order), final at the latest event's time plus
   * {@code lateInputWait}; the caller decides the events with {@link #recording} and then files it with
   * {@link #file}.
   */
  static AccountState.Provisional open(List<AccountState.PendingRoot> events, long lateInputWait) {
    AccountState.Provisional rec = new AccountState.Provisional();
    long latest = Long.MIN_VALUE;
    for (AccountState.PendingRoot p : events) {
      latest = Math.max(latest, p.eventTime);
    }
    rec.confirmAt = latest + lateInputWait;
    return rec;
  }

  /** Keeps {@code rec} with the uncovered events it decided (their drafts dropped: filed already). */
  static void file(AccountState s, AccountState.Provisional rec, List<AccountState.PendingRoot> uncovered) {
    for (AccountState.PendingRoot p : uncovered) {
      AccountState.PendingRoot copy = copyOf(p);
      copy.draft = null;
      rec.events.add(copy);
    }
    if (!rec.events.isEmpty()) {
      s.provisional.add(rec);
    }
  }

  /**
   * A grant fact arrived (new or changed): resolves the provisional alerts it makes stand no more and files
   * the events it covers under their grant, as the class Javadoc says.
   *
   * @param covering the grant covering an event at a time, or null (the correlator's rule)
   * @return whether {@code s} changed
   */
  static boolean onGrant(AccountState s, LongFunction<AccountState.GrantView> covering, AccountContext ctx,
      Refile refile) {
    boolean changed = false;
    for (AccountState.Provisional rec : List.copyOf(s.provisional)) {
      List<AccountState.PendingRoot> covered = new ArrayList<>();
      List<AccountState.GrantView> by = new ArrayList<>();
      for (AccountState.PendingRoot p : rec.events) {
        AccountState.GrantView g = covering.apply(p.eventTime);
        if (g != null) {
          covered.add(p);
          by.add(g);
        }
      }
      if (covered.isEmpty()) {
        continue;
      }
      changed = true;
      resolveCovered(s, rec, covered, by.get(0), ctx);
      rec.events.removeAll(covered);
      leaveSessions(s, covered);
      for (int i = 0; i < covered.size(); i++) {
        refile.covered(covered.get(i), by.get(i));
      }
      if (rec.events.isEmpty() && rec.alerts.stream().allMatch(a -> a.resolved || a.revoke == null)) {
        s.provisional.remove(rec);
      }
    }
    return changed;
  }

  /** Resolves each standing alert of {@code rec} whose root evidence in {@code rec} is all in {@code covered}. */
  private static void resolveCovered(AccountState s, AccountState.Provisional rec,
      List<AccountState.PendingRoot> covered, AccountState.GrantView g, AccountContext ctx) {
    Set<String> coveredIds = new HashSet<>();
    covered.forEach(p -> coveredIds.add(p.eventId));
    Set<String> open = new HashSet<>();
    rec.events.forEach(p -> open.add(p.eventId));
    for (AccountState.ProvisionalAlert a : rec.alerts) {
      if (a.resolved) {
        continue;
      }
      boolean touched = a.evidence.stream().anyMatch(coveredIds::contains);
      boolean uncoveredLeft = a.evidence.stream().anyMatch(id -> open.contains(id) && !coveredIds.contains(id));
      if (touched && !uncoveredLeft) {
        a.resolved = true;
        ctx.resolve(resolution(s, a, g, covered.get(0), ctx.now()));
      }
    }
  }

  private static AlertResolution resolution(AccountState s, AccountState.ProvisionalAlert a,
      AccountState.GrantView g, AccountState.PendingRoot first, long now) {
    long grantedAt = g.fact.grantedAt();
    String reason = String.format("grant %s of break-glass request %s, granted at %s (%s after the root event %s),"
        + " covers it; its grant fact reached stage B %s after the page, so no revoke follows",
        g.grantEventId(), g.fact.requestId(), Instant.ofEpochMilli(grantedAt),
        human(grantedAt - first.eventTime), first.eventId, human(now - a.detectedAt));
    return AlertResolution.newBuilder()
        .setAlertId(a.alertId)
        .setAlertType(a.alertType)
        .setCorrelationId(a.correlationId)
        .setRequestId(a.requestId)
        .setAccountId(s.accountId)
        .setKind(LATE_GRANT)
        .setReason(reason)
        .setEvidence(List.of(g.grantEventId()))
        .setResolvedAt(Instant.ofEpochMilli(now))
        .build();
  }

  /** A signed duration for a human: {@code 30s}, {@code -5s}, {@code 2m5s}. */
  static String human(long millis) {
    Duration d = Duration.ofMillis(Math.abs(millis));
    String sign = millis < 0 ? "-" : "";
    long seconds = d.toSeconds();
    if (seconds < 60) {
      return sign + (d.toMillis() % 1000 == 0 || seconds >= 10 ? seconds + "s" : d.toMillis() + "ms");
    }
    return sign + seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
  }

  /** Takes the covered events out of their unauthorized sessions; a session left empty is dropped. */
  private static void leaveSessions(AccountState s, List<AccountState.PendingRoot> covered) {
    for (AccountState.PendingRoot p : covered) {
      for (AccountState.RootSession session : s.sessions) {
        session.eventIds.remove(p.eventId);
      }
    }
    s.sessions.removeIf(session -> session.eventIds.isEmpty() && session.eventsOmitted == 0);
  }

  /**
   * Makes the decisions whose {@code confirmAt} deadline time {@code now} reached final: the held-back
   * revokes of the alerts still standing are issued through {@code revoke}, the records dropped.
   *
   * @return whether {@code s} changed
   */
  static boolean confirm(AccountState s, long now, Revoker revoke) {
    boolean changed = false;
    for (AccountState.Provisional rec : List.copyOf(s.provisional)) {
      if (rec.confirmAt > now) {
        continue;
      }
      for (AccountState.ProvisionalAlert a : rec.alerts) {
        if (!a.resolved && a.revoke != null) {
          revoke.revoke(s, a, now);
        }
      }
      s.provisional.remove(rec);
      changed = true;
    }
    return changed;
  }

  /** Issues the held-back revoke of an alert that stands. */
  interface Revoker {
    void revoke(AccountState s, AccountState.ProvisionalAlert a, long now);
  }

  /** The earliest {@code confirmAt} of the account's provisional decisions, or null. */
  static Long nextDue(AccountState s) {
    Long due = null;
    for (AccountState.Provisional rec : s.provisional) {
      due = RequestLifecycle.earliest(due, rec.confirmAt);
    }
    return due;
  }

  private static AccountState.PendingRoot copyOf(AccountState.PendingRoot p) {
    AccountState.PendingRoot c = new AccountState.PendingRoot(p.eventId, p.eventTime, p.action, p.sourceIp,
        p.subject, p.loginWithoutMfa, p.credentialChange, p.draft);
    c.failedLogin = p.failedLogin;
    c.consoleCall = p.consoleCall;
    c.antipatternCandidate = p.antipatternCandidate;
    c.consoleSession = p.consoleSession;
    return c;
  }
}
