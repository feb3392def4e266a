package io.glasswatch.streams.correlation;

import io.glasswatch.streams.policy.Policy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The request lifecycles of stage B's accounts ({@link RequestLifecycle}, store
 * {@value AccountCorrelator#LIFECYCLE_STORE}): loaded once per record or account evaluation, changed in
 * memory, written back (or deleted when they leave) by {@link #flush}. The account keeps the ids of its
 * requests in {@code AccountState.lifecycle}, and a closed request's id and close time in
 * {@code closedRequests} for {@code stateRetention}; facts arriving after it left are ignored.
 */
final class AccountLifecycles {
  private final Policy policy;
  private final KeyValueStore<String, RequestLifecycle> store;
  private final Map<String, RequestLifecycle> loaded = new TreeMap<>();
  private final Set<String> dirty = new TreeSet<>();
  private final Set<String> leaving = new TreeSet<>();

  AccountLifecycles(Policy policy, KeyValueStore<String, RequestLifecycle> store) {
    this.policy = policy;
    this.store = store;
  }

  /** The lifecycle of {@code requestId} (from the store, or new and filed in the account's index). */
  RequestLifecycle get(AccountState s, String requestId) {
    RequestLifecycle m = loaded.get(requestId);
    if (m == null && s.lifecycle.contains(requestId)) {
      m = store.get(requestId);
    }
    if (m == null) {
      m = new RequestLifecycle(requestId, s.accountId);
      AccountState.GrantView g = s.grants.get(requestId);
      if (g != null) {
        m.kind = g.fact.kind();
        m.subject = g.fact.subject();
        m.tenant = g.tenant;
      }
      s.lifecycle.add(requestId);
      dirty.add(requestId);
    }
    loaded.put(requestId, m);
    return m;
  }

  /** Marks the lifecycle of {@code requestId} as changed. */
  void changed(String requestId) {
    dirty.add(requestId);
  }

  /**
   * A lifecycle step from stage A: learned and applied.
   *
   * @return the transitions to file, or null when the request already left (the fact is ignored)
   */
  List<RequestLifecycle.Transition> onFact(AccountState s, LifecycleFact f) {
    String requestId = f.requestId();
    if (s.closedRequests.containsKey(requestId)) {
      return null;
    }
    RequestLifecycle m = get(s, requestId);
    m.learn(f);
    AccountState.GrantView v = s.grants.get(requestId);
    if (v != null && v.tenant == null) {
      v.tenant = m.tenant;
    }
    String cause = switch (f.event()) {
      case "requested" -> "request";
      case "approved" -> f.approverRoles().isEmpty() ? "approval" : "approved by " + String.join(", ", f.approverRoles());
      case "granted" -> "grant";
      case "used" -> "usage allowed";
      default -> "expiry: " + f.event();
    };
    dirty.add(requestId);
    return m.apply(f.event(), f.at(), f.eventId(), cause);
  }

  /**
   * Advances every lifecycle of the account to {@code now}, filing each transition with {@code out};
   * marks the ones that leave the store.
   *
   * @return whether {@code s} changed
   */
  boolean advance(AccountState s, long now, AccountEffects out) {
    boolean changed = false;
    for (String requestId : List.copyOf(s.lifecycle)) {
      RequestLifecycle m = get(s, requestId);
      AccountState.GrantView g = s.grants.get(requestId);
      Policy pol = policy.resolve(s.accountId, m.tenant);
      List<RequestLifecycle.Transition> steps = m.advance(now, g == null ? null : g.fact.expiresAt(),
          g == null ? null : g.fact.grantEventId(), (from, to) -> {
            AccountState.Rotation r = s.firstRotation(from, to);
            return r == null ? null : r.at();
          }, timing(pol));
      if (!steps.isEmpty()) {
        file(m, steps, out);
        dirty.add(requestId);
      }
      if (m.leaves(now, pol.decisionDelay().toMillis(), pol.stateRetention().toMillis())) {
        s.lifecycle.remove(requestId);
        if (m.closedAt != null) {
          s.closedRequests.put(requestId, m.closedAt);
        }
        leaving.add(requestId);
        changed = true;
      }
    }
    return changed;
  }

  /** The earliest next step of the account's lifecycles ({@link RequestLifecycle#nextDue}), or null. */
  Long nextDue(AccountState s) {
    Long due = null;
    for (String requestId : s.lifecycle) {
      RequestLifecycle m = get(s, requestId);
      AccountState.GrantView g = s.grants.get(requestId);
      Long d = m.nextDue(g == null ? null : g.fact.expiresAt(), timing(policy.resolve(s.accountId, m.tenant)));
      if (d != null) {
        due = RequestLifecycle.earliest(due, d);
      }
    }
    return due;
  }

  private static RequestLifecycle.Timing timing(Policy pol) {
    return new RequestLifecycle.Timing(pol.skew().toMillis(), pol.decisionDelay().toMillis(),
        pol.rotationDeadline().toMillis(), pol.stateRetention().toMillis());
  }

  /** Files the timeline entry of each transition of {@code m}. */
  static void file(RequestLifecycle m, List<RequestLifecycle.Transition> steps, AccountEffects out) {
    for (RequestLifecycle.Transition t : steps) {
      out.emitTimeline(m.draft(t), m.requestId, m.requestId, t.at());
    }
  }

  /** Writes changed lifecycles and deletes leaving ones. */
  void flush() {
    for (String requestId : dirty) {
      if (!leaving.contains(requestId)) {
        store.put(requestId, loaded.get(requestId));
      }
    }
    for (String requestId : leaving) {
      store.delete(requestId);
    }
    loaded.clear();
    dirty.clear();
    leaving.clear();
  }
}
