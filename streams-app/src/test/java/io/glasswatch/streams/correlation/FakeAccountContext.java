package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AccountContext} for rule tests without Kafka Streams: a settable deadline time, one policy
 * for the account and every grant, and lists of what the rule asked for (alerts with the request whose
 * grant they revoke, resolutions). Plus fixtures of stage B state.
 */
final class FakeAccountContext extends FakeContext<FakeAccountContext.Raised> implements AccountContext {
  /** An alert the rule raised: with {@code raise}, {@code revoking} names the request (null: the account). */
  record Raised(Alert alert, String revoking, List<String> targets, boolean revokable) {}

  final List<AlertResolution> resolutions = new ArrayList<>();

  FakeAccountContext(long now) {
    super(now);
  }

  /** Epoch milliseconds {@code d} after {@link #T0}. */
  static long after(Duration d) {
    return T0.toEpochMilli() + d.toMillis();
  }

  /** A fresh account state. */
  static AccountState account() {
    return new AccountState(ACCOUNT);
  }

  /** An approved grant of {@code requestId} for {@code subject} from {@code grantedAt} for {@code minutes}. */
  static AccountState.GrantView grant(AccountState s, String requestId, String subject, long grantedAt,
      double minutes) {
    GrantFact f = new GrantFact(requestId, "root", ACCOUNT, subject, true, grantedAt,
        grantedAt + Math.round(minutes * 60_000),
        new Assignment("arn:aws:sso:::instance/ssoins-1", ACCOUNT, "arn:aws:sso:::permissionSet/ps-1", "USER",
            "user-" + subject),
        "fp-" + requestId, requestId + "/grant/1", null, null);
    AccountState.GrantView v = new AccountState.GrantView(f);
    s.grants.put(requestId, v);
    return v;
  }

  /** Files covered root use {@code eventId} at {@code t} under {@code v}, as stage B does. */
  static void rootUse(AccountState.GrantView v, String eventId, long t) {
    if (v.firstRootAt == null || t < v.firstRootAt) {
      v.firstRootAt = t;
      v.firstRootEventId = eventId;
    }
    if (v.lastRootAt == null || t >= v.lastRootAt) {
      v.lastRootAt = t;
      v.lastRootEventId = eventId;
    }
    v.rootEventIds.add(eventId);
    v.useTimes.put(eventId, t);
  }

  /** A pending root event. */
  static AccountState.PendingRoot event(String eventId, long t, String action) {
    return new AccountState.PendingRoot(eventId, t, action, "203.0.113.7", "root", false, false, null);
  }

  /** An unauthorized session of {@code events} that raised UNAUTHORIZED_ROOT_USE. */
  static AccountState.RootSession alertedSession(AccountState s, AccountState.PendingRoot... events) {
    AccountState.RootSession session = new AccountState.RootSession(events[0]);
    for (int i = 1; i < events.length; i++) {
      session.add(events[i]);
    }
    session.alertId = "unauthorized-" + events[0].eventId;
    s.sessions.add(session);
    return session;
  }

  @Override
  Alert alertOf(Raised r) {
    return r.alert();
  }

  @Override
  public Policy accountPolicy() {
    return policy;
  }

  @Override
  public Policy policyOf(AccountState.GrantView v) {
    return policy;
  }

  @Override
  public Alert raise(AlertBuilder b, String requestId) {
    Alert a = b.build();
    raised.add(new Raised(a, requestId, List.of(), true));
    return a;
  }

  @Override
  public Alert raiseRevoking(AlertBuilder b, List<AccountState.GrantView> targets) {
    Alert a = b.build();
    raised.add(new Raised(a, null, targets.stream().map(v -> v.fact.requestId()).toList(), true));
    return a;
  }

  @Override
  public Alert raiseOnly(AlertBuilder b) {
    Alert a = b.build();
    raised.add(new Raised(a, null, List.of(), false));
    return a;
  }

  @Override
  public void resolve(AlertResolution resolution) {
    resolutions.add(resolution);
  }
}
