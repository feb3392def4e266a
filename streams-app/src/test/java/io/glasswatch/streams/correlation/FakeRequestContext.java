package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.util.List;

/**
 * A {@link RequestContext} for rule tests without Kafka Streams: settable stream time, one policy, the
 * earliest wake-up asked for, and the alerts raised (completed as stage A completes them). Plus fixtures
 * of stage A state.
 */
final class FakeRequestContext extends FakeContext<FakeRequestContext.Raised> implements RequestContext {
  /** An alert raised; {@code atOnce}: its revoke does not wait for a grant. */
  record Raised(Alert alert, boolean atOnce) {}

  long wakeAt = Long.MAX_VALUE;
  private RequestState state;

  FakeRequestContext(long now) {
    super(now);
  }

  /** A request {@code requestId} by {@code subject}, its request event at {@code t}. */
  static RequestState requested(String requestId, String subject, long t) {
    RequestState s = new RequestState(requestId);
    s.requested = true;
    s.subject = subject;
    s.accountId = ACCOUNT;
    s.kind = "jit";
    s.requestEventId = requestId + "/request/1";
    s.scope = List.of("break_glass:elevated");
    s.lastEventAt = t;
    return s;
  }

  /** Adds an approval (n-th of the request) and returns its event id. */
  static String approve(RequestState s, String approver, String role, String acr, long t) {
    String id = s.requestId + "/approval/" + s.next("approval");
    s.approvals.add(new RequestState.Approval(id, approver, role, acr, t));
    return id;
  }

  /** Adds a grant of {@code token} at {@code t} lasting {@code d}, single-use as said. */
  static RequestState.Grant grant(RequestState s, String token, long t, Duration d, boolean singleUse) {
    String id = s.requestId + "/grant/" + s.next("grant");
    s.grant = new RequestState.Grant(id, t, t + d.toMillis(), token, singleUse, null, ACCOUNT);
    s.grants.add(s.grant);
    return s.grant;
  }

  /** Adds a usage and returns it. */
  static RequestState.Usage use(RequestState s, String token, String outcome, long t) {
    RequestState.Usage u = new RequestState.Usage(s.requestId + "/usage/" + s.next("usage"), t, token, outcome);
    s.usages.add(u);
    return u;
  }

  /** Runs {@code rule} over {@code s} at this context's time. */
  FakeRequestContext judge(RequestRule rule, RequestState s) {
    state = s;
    rule.evaluate(s, this);
    return this;
  }

  @Override
  Alert alertOf(Raised r) {
    return r.alert();
  }

  @Override
  public Policy policy() {
    return policy;
  }

  @Override
  public boolean due(long dueAt) {
    if (now >= dueAt) {
      return true;
    }
    wakeAt = Math.min(wakeAt, dueAt);
    return false;
  }

  @Override
  public boolean ready(long at) {
    return state.requested || due(at + policy.decisionDelay().toMillis());
  }

  @Override
  public void raise(AlertBuilder b) {
    raised.add(new Raised(complete(b), false));
  }

  @Override
  public void raiseRevokingAtOnce(AlertBuilder b) {
    raised.add(new Raised(complete(b), true));
  }

  private Alert complete(AlertBuilder b) {
    return b.correlationId(state.requestId).requestId(state.requestId).accountId(state.account())
        .subject(state.subject).detectedAt(now).build();
  }

  /** Convenience for {@link Duration#ofMinutes}. */
  static Duration minutes(long m) {
    return Duration.ofMinutes(m);
  }
}
