package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * ROTATION_OVERDUE (SPEC sections 2 and 3), once per root session: fires when deadline time reaches
 * session end + {@code rotationDeadline} with no rotation evidence between the session's first root
 * event and that deadline.
 *
 * <ul>
 *   <li>Authorized session: the root use a grant covered; it ends when the grant ends (expiry, early
 *       end, revocation). Correlation: the request (its policy); defined by its first covered root use;
 *       revokes the request's grant if it is still active.
 *   <li>Unauthorized session: one that raised UNAUTHORIZED_ROOT_USE; it ends at its last event.
 *       Correlation {@code account:<id>} (the account's policy); defined by its first event; with
 *       revoke in the policy, revokes every active grant of the account.
 *   <li>Rotation evidence (which rotations count): a gateway {@code rotation} event of the account, or a
 *       root credential change (password, MFA device, access key) covered by a grant. A credential change
 *       inside an unauthorized session is the intruder's doing (a new access key, a password change that
 *       locks the owner out), not a rotation, and never counts: {@link AccountCorrelator} records only the
 *       evidence above ({@link AccountState#rotationEvidence}).
 *   <li>Resolution: when rotation evidence that counts, with event time at or after the session's first
 *       root event, is recorded after the alert was raised (or was recorded already, later than the
 *       deadline, when it is raised), the alert no longer stands: one {@link AlertResolution} of kind
 *       {@code rotation_done} (evidence: the rotation's event id; {@code resolvedAt}: deadline time at the
 *       decision) goes to {@code alert-resolutions} with an {@code alert_resolved} entry in the alert's
 *       timeline. Once per alert; the dispatcher only delivers it.
 * </ul>
 */
final class RotationOverdueRule implements AccountRule {
  /** Resolution kind of a rotation that came after the alert. */
  static final String ROTATION_DONE = "rotation_done";

  @Override
  public AlertType type() {
    return AlertType.ROTATION_OVERDUE;
  }

  @Override
  public int rank() {
    return 50;
  }

  @Override
  public boolean evaluate(AccountState s, long now, AccountContext ctx) {
    boolean changed = false;
    Policy acct = ctx.accountPolicy();
    for (AccountState.RootSession session : s.sessions) {
      long deadline = session.lastAt + acct.rotationDeadline().toMillis();
      if (session.rotationDecided || session.alertId == null || now < deadline) {
        continue;
      }
      session.rotationDecided = true;
      changed = true;
      if (s.firstRotation(session.firstAt, deadline) == null) {
        AlertBuilder b = AlertBuilder.of(acct, AlertType.ROTATION_OVERDUE)
            .correlationId(s.correlation()).accountId(s.accountId)
            .subject(session.subject).defining(session.firstEventId).evidence(session.eventIds).evidenceOmitted(session.eventsOmitted)
            .detectedAt(now).eventTime(deadline)
            .summary(String.format("The root credentials of account %s were not rotated by %s, %s after the "
                + "unauthorized root session of %s to %s ended.", s.accountId, Instant.ofEpochMilli(deadline),
                acct.rotationDeadline(), Instant.ofEpochMilli(session.firstAt), Instant.ofEpochMilli(session.lastAt)));
        Alert alert = ctx.raise(b, null);
        session.rotationAlertId = alert.getAlertId();
        resolveSession(s, session, s.firstRotation(session.firstAt, Long.MAX_VALUE), ctx);
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      changed |= evaluateGrant(s, v, now, ctx);
    }
    return changed;
  }

  private static boolean evaluateGrant(AccountState s, AccountState.GrantView v, long now, AccountContext ctx) {
    Policy pol = ctx.policyOf(v);
    Long end = v.end();
    if (v.firstRootAt == null || v.rotationDecided || end == null || now < end + pol.rotationDeadline().toMillis()) {
      return false;
    }
    long deadline = end + pol.rotationDeadline().toMillis();
    v.rotationDecided = true;
    if (s.firstRotation(v.firstRootAt, deadline) == null) {
      String requestId = v.fact.requestId();
      AlertBuilder b = AlertBuilder.of(pol, AlertType.ROTATION_OVERDUE)
          .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(v.fact.subject())
          .defining(v.firstRootEventId).evidence(v.rootEventIds).evidenceOmitted(v.rootEventsOmitted).detectedAt(now).eventTime(deadline)
          .summary(String.format("The root credentials of account %s were not rotated by %s, %s after the "
              + "grant of break-glass request %s ended at %s.", s.accountId, Instant.ofEpochMilli(deadline),
              pol.rotationDeadline(), requestId, Instant.ofEpochMilli(end)));
      Alert alert = ctx.raise(b, requestId);
      v.rotationAlertId = alert.getAlertId();
      resolveGrant(s, v, s.firstRotation(v.firstRootAt, Long.MAX_VALUE), ctx);
    }
    return true;
  }

  @Override
  public List<OpenDeadline> openDeadlines(AccountState s, AccountContext ctx) {
    List<OpenDeadline> open = new ArrayList<>();
    long rotationDeadline = ctx.accountPolicy().rotationDeadline().toMillis();
    for (AccountState.RootSession session : s.sessions) {
      if (!session.rotationDecided && session.alertId != null
          && s.firstRotation(session.firstAt, Long.MAX_VALUE) == null) {
        open.add(new OpenDeadline(type().name(), s.correlation(),
            Instant.ofEpochMilli(session.lastAt + rotationDeadline)));
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      Long end = v.end();
      if (v.firstRootAt != null && !v.rotationDecided && end != null
          && s.firstRotation(v.firstRootAt, Long.MAX_VALUE) == null) {
        open.add(new OpenDeadline(type().name(), v.fact.requestId(),
            Instant.ofEpochMilli(end + ctx.policyOf(v).rotationDeadline().toMillis())));
      }
    }
    return open;
  }

  @Override
  public Long nextDue(AccountState s, AccountContext ctx) {
    Long due = null;
    long rotationDeadline = ctx.accountPolicy().rotationDeadline().toMillis();
    for (AccountState.RootSession session : s.sessions) {
      if (!session.rotationDecided && session.alertId != null) {
        due = RequestLifecycle.earliest(due, session.lastAt + rotationDeadline);
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      Long end = v.end();
      if (v.firstRootAt != null && !v.rotationDecided && end != null) {
        due = RequestLifecycle.earliest(due, end + ctx.policyOf(v).rotationDeadline().toMillis());
      }
    }
    return due;
  }

  @Override
  public void onRotation(AccountState s, AccountState.Rotation r, AccountContext ctx) {
    for (AccountState.RootSession session : s.sessions) {
      if (r.at() >= session.firstAt) {
        resolveSession(s, session, r, ctx);
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      if (v.firstRootAt != null && r.at() >= v.firstRootAt) {
        resolveGrant(s, v, r, ctx);
      }
    }
  }

  private static void resolveSession(AccountState s, AccountState.RootSession session, AccountState.Rotation r,
      AccountContext ctx) {
    if (r == null || session.rotationAlertId == null || session.rotationResolved) {
      return;
    }
    session.rotationResolved = true;
    ctx.resolve(resolution(s, session.rotationAlertId, s.correlation(), null, r, ctx.now()));
  }

  private static void resolveGrant(AccountState s, AccountState.GrantView v, AccountState.Rotation r,
      AccountContext ctx) {
    if (r == null || v.rotationAlertId == null || v.rotationResolved) {
      return;
    }
    v.rotationResolved = true;
    String requestId = v.fact.requestId();
    ctx.resolve(resolution(s, v.rotationAlertId, requestId, requestId, r, ctx.now()));
  }

  private static AlertResolution resolution(AccountState s, String alertId, String correlationId, String requestId,
      AccountState.Rotation r, long now) {
    return AlertResolution.newBuilder()
        .setAlertId(alertId)
        .setAlertType(AlertType.ROTATION_OVERDUE.name())
        .setCorrelationId(correlationId)
        .setRequestId(requestId)
        .setAccountId(s.accountId)
        .setKind(ROTATION_DONE)
        .setReason(String.format("root credentials rotated at %s (%s%s)", Instant.ofEpochMilli(r.at()), r.what(),
            r.eventId() == null ? "" : ", event " + r.eventId()))
        .setEvidence(r.eventId() == null ? List.of() : List.of(r.eventId()))
        .setResolvedAt(Instant.ofEpochMilli(now))
        .build();
  }
}
