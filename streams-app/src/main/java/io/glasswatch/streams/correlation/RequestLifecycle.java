package io.glasswatch.streams.correlation;

import io.glasswatch.streams.timeline.Details;
import io.glasswatch.streams.timeline.Ecs;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The lifecycle state machine of one break-glass request (SPEC: requested -> approved -> granted ->
 * used -> expired/revoked/consumed -> rotated -> closed), kept by stage B in the store
 * {@code request-lifecycle} (key: request id; JSON; co-located with the request's account). Times are
 * epoch milliseconds, event time. Mutable; owned by one {@link AccountCorrelator} task.
 *
 * <p>Inputs ({@link #apply}, {@link #onRootUse}, {@link #advance}):
 *
 * <ul>
 *   <li>{@link LifecycleFact}s of stage A: {@code requested}, {@code approved}, {@code granted},
 *       {@code used} (a gateway usage allowed), {@code expired}, {@code consumed}, {@code revoked};
 *   <li>covered root use: root use that the request's grant covers is {@code used}, and makes the
 *       request one "with root use";
 *   <li>stream time passing the grant's {@code expiresAt} while the request is granted or used and no
 *       expiry, consumption or revocation came: {@code expired} at {@code expiresAt};
 *   <li>rotation evidence (a gateway {@code rotation} of the account, or a root credential change under
 *       a grant) between the request's first root use and its end + {@code rotationDeadline}, the
 *       window of ROTATION_OVERDUE: {@code rotated}, at the later of the evidence and the end.
 * </ul>
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>States are ordered requested (0) &lt; approved (1) &lt; granted (2) &lt; used (3) &lt;
 *       expired = consumed = revoked (4) &lt; rotated (5) &lt; closed (6). A step of higher rank than
 *       the current state is a transition (states in between that never came are skipped, e.g.
 *       requested -> granted without approval); each step is taken once.
 *   <li>Out of order: a step of the same or a lower rank than the current state (an approval arriving
 *       after the grant, a usage after the expiry, a second end) does not move the machine; it is
 *       recorded as LATE, with the state unchanged.
 *   <li>Ended (expired, consumed or revoked) without root use: a request of kind {@code jit} closes at
 *       once; a {@code root} request waits until stream time reaches end + {@code skew} +
 *       {@code decisionDelay}, the time by which a root event its window covers has been decided, and
 *       closes then.
 *   <li>Ended with root use: needs {@code rotated} (evidence in the window above) before it closes;
 *       it closes right after {@code rotated}. Without rotation it stays open (ROTATION_OVERDUE tells
 *       why).
 *   <li>Never granted (requested or approved): closes when stream time reaches its first step +
 *       {@code stateRetention}.
 *   <li>Every transition, the closing one included, is one timeline entry under the request
 *       ({@code kind state}, action {@code lifecycle_<state>}, message {@code "granted -> used"} or
 *       {@code "new -> requested"} for the first, id {@code state:<requestId>:<state>}, the cause in
 *       {@code details}); a late step is one entry with action {@code lifecycle_late_<step>}, message
 *       {@code "late approved at <time>: the state stays granted"} and id
 *       {@code state:<requestId>:late-<step>}.
 *   <li>Leaving the store: a closed request leaves {@code decisionDelay} of event time after it
 *       closed (late steps meanwhile are still recorded; later ones are ignored, their gateway events
 *       being in the request's timeline already). A request that never closes (a grant without expiry,
 *       or root use never rotated) leaves without a closing entry {@code stateRetention} after its
 *       last step, so state stays bounded.
 * </ul>
 */
final class RequestLifecycle {
  /** Request kind of break-glass root logins (any other kind is treated as {@code jit}). */
  static final String KIND_ROOT = GrantFact.KIND_ROOT;

  /** A lifecycle state, with its rank in the order of the class Javadoc. */
  enum State {
    REQUESTED(0), APPROVED(1), GRANTED(2), USED(3), EXPIRED(4), CONSUMED(4), REVOKED(4), ROTATED(5), CLOSED(6);

    final int rank;

    State(int rank) {
      this.rank = rank;
    }

    /** Lower-case name, as in facts and timeline actions. */
    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this is an end (expired, consumed, revoked). */
    boolean isEnd() {
      return rank == 4;
    }

    /** The state of a {@link LifecycleFact#event()} step name. */
    static State of(String step) {
      return State.valueOf(step.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * One change the machine reports: a transition {@code from -> to}, or a late step {@code to} that
   * left the machine in {@code from}.
   *
   * @param from state before (null for the first step of a request)
   * @param to state after, or the late step
   * @param at event time of the step, epoch milliseconds
   * @param eventId input behind it (gateway event id, CloudTrail eventID, grant event id), or null
   * @param cause what caused it, for a human (e.g. {@code "expiresAt passed"})
   * @param late whether the step came late and the state did not change
   */
  record Transition(State from, State to, long at, String eventId, String cause, boolean late) {}

  /** Durations the machine needs, epoch milliseconds of event time; taken from the request's policy. */
  record Timing(long skew, long decisionDelay, long rotationDeadline, long stateRetention) {}

  /** The account's rotation evidence. */
  interface Rotations {
    /** The earliest evidence time in {@code [from, to]}, or null when there is none. */
    Long firstBetween(long from, long to);
  }

  String requestId;
  String accountId;
  String kind;
  String subject;
  String tenant;
  State state;
  /** Event time of the first step seen, and of the latest. */
  Long openedAt;
  Long lastStepAt;
  Long endedAt;
  Long firstRootUseAt;
  boolean rootUse;
  Long closedAt;
  /** Every step taken or recorded late: step name to its event time. */
  TreeMap<String, Long> steps = new TreeMap<>();

  RequestLifecycle() {}

  RequestLifecycle(String requestId, String accountId) {
    this.requestId = requestId;
    this.accountId = accountId;
  }

  /** Fills what the fact says about the request (kind, subject, tenant) where it was unknown. */
  void learn(LifecycleFact f) {
    if (kind == null && f.kind() != null) {
      kind = f.kind();
    }
    if (subject == null && f.subject() != null) {
      subject = f.subject();
    }
    if (tenant == null && f.tenant() != null) {
      tenant = f.tenant();
    }
  }

  /** Whether the request is of kind {@code root}. */
  boolean isRootKind() {
    return KIND_ROOT.equals(kind);
  }

  /**
   * Takes one step ({@link LifecycleFact#EVENTS}, or {@code used} for covered root use).
   *
   * @param step step name
   * @param at event time of the step
   * @param eventId input behind it, or null
   * @param cause what caused it
   * @return the transition, the late record, or nothing when the step was taken already
   * @throws IllegalArgumentException for an unknown step name
   */
  List<Transition> apply(String step, long at, String eventId, String cause) {
    State next = State.of(step);
    List<Transition> out = new ArrayList<>();
    if (steps.containsKey(next.wireName())) {
      return out;
    }
    steps.put(next.wireName(), at);
    openedAt = openedAt == null ? at : Math.min(openedAt, at);
    lastStepAt = lastStepAt == null ? at : Math.max(lastStepAt, at);
    if (state == null || next.rank > state.rank) {
      out.add(new Transition(state, next, at, eventId, cause, false));
      state = next;
      if (next.isEnd()) {
        endedAt = at;
      }
    } else {
      out.add(new Transition(state, next, at, eventId, cause, true));
    }
    return out;
  }

  /**
   * Covered root use at {@code at}: marks the request as one with root use (unless it is closed) and
   * takes the step {@code used}.
   */
  List<Transition> onRootUse(long at, String eventId) {
    if (state != State.CLOSED) {
      rootUse = true;
      firstRootUseAt = firstRootUseAt == null ? at : Math.min(firstRootUseAt, at);
    }
    return apply("used", at, eventId, "root use under the grant");
  }

  /**
   * Takes every step that deadline time {@code now} makes due (class Javadoc: expiry, close,
   * rotation, never granted).
   *
   * @param now deadline time, epoch milliseconds
   * @param expiresAt the grant's expiry, or null when unknown or none
   * @param grantEventId the grant's gateway event id, or null
   * @param rotations the account's rotation evidence
   * @param t the request's durations
   * @return the transitions taken, in order
   */
  List<Transition> advance(long now, Long expiresAt, String grantEventId, Rotations rotations, Timing t) {
    List<Transition> out = new ArrayList<>();
    if (state == null || state == State.CLOSED) {
      return out;
    }
    if ((state == State.GRANTED || state == State.USED) && expiresAt != null && now >= expiresAt) {
      out.addAll(apply("expired", expiresAt, grantEventId, "expiresAt passed"));
    }
    if (state.isEnd()) {
      if (rootUse) {
        Long evidence = rotations.firstBetween(firstRootUseAt, endedAt + t.rotationDeadline());
        if (evidence != null) {
          long at = Math.max(evidence, endedAt);
          out.addAll(apply("rotated", at, null, "rotation evidence at " + Instant.ofEpochMilli(evidence)));
          out.addAll(close(at, "rotated after root use"));
        }
      } else if (!isRootKind()) {
        out.addAll(close(endedAt, "ended without root use"));
      } else if (now >= endedAt + t.skew() + t.decisionDelay()) {
        out.addAll(close(endedAt + t.skew() + t.decisionDelay(), "ended without root use"));
      }
    } else if ((state == State.REQUESTED || state == State.APPROVED) && now >= openedAt + t.stateRetention()) {
      out.addAll(close(openedAt + t.stateRetention(), "never granted"));
    }
    return out;
  }

  /**
   * The earliest deadline time at which {@link #advance} or {@link #leaves} can change this request
   * without new input (expiry, the close of a root request ended without root use, the close of a
   * request never granted, leaving the store), or null when only new input can (for example rotation
   * evidence after root use). Never later than the true time, so the owner may leave the request
   * unevaluated until then.
   *
   * @param expiresAt the grant's expiry, or null when unknown or none
   * @param t the request's durations
   * @return deadline time, epoch milliseconds, or null
   */
  Long nextDue(Long expiresAt, Timing t) {
    if (state == State.CLOSED) {
      return closedAt == null ? null : closedAt + t.decisionDelay();
    }
    Long due = lastStepAt == null ? null : lastStepAt + t.stateRetention();
    if (state == null) {
      return due;
    }
    if ((state == State.GRANTED || state == State.USED) && expiresAt != null) {
      due = earliest(due, expiresAt);
    }
    if (state.isEnd()) {
      if (!rootUse && isRootKind()) {
        due = earliest(due, endedAt + t.skew() + t.decisionDelay());
      } else if (!rootUse) {
        due = earliest(due, endedAt);
      }
    } else if (state == State.REQUESTED || state == State.APPROVED) {
      due = earliest(due, openedAt + t.stateRetention());
    }
    return due;
  }

  /** The earlier of two optional times. */
  static Long earliest(Long a, long b) {
    return a == null || b < a ? b : a;
  }

  private List<Transition> close(long at, String cause) {
    List<Transition> out = apply("closed", at, null, cause);
    closedAt = at;
    return out;
  }

  /**
   * Whether the request leaves the store at deadline time {@code now}: closed for {@code grace}, or
   * open with no step for {@code stateRetention}.
   */
  boolean leaves(long now, long grace, long stateRetention) {
    if (state == State.CLOSED) {
      return now >= closedAt + grace;
    }
    return lastStepAt != null && now >= lastStepAt + stateRetention;
  }

  /**
   * The timeline entry of {@code t} (see the class Javadoc for ids, actions and messages).
   *
   * @param t a transition or late step of this request
   */
  TimelineDraft draft(Transition t) {
    String to = t.to().wireName();
    String from = t.from() == null ? "new" : t.from().wireName();
    String entryId = "state:" + requestId + ":" + (t.late() ? "late-" + to : to);
    String action = t.late() ? "lifecycle_late_" + to : "lifecycle_" + to;
    String message = t.late()
        ? String.format("late %s at %s: the state stays %s", to, Instant.ofEpochMilli(t.at()), from)
        : from + " -> " + to;
    Details d = Details.create().put("from", t.from() == null ? null : from).put("to", to).put("late", t.late())
        .put("cause", t.cause()).put("requestKind", kind).put("tenant", tenant).put("rootUse", rootUse ? true : null);
    return new TimelineDraft(entryId, t.at(), accountId, TimelineDrafts.GLASSWATCH, "state", action, Ecs.UNKNOWN,
        subject, null, null, message, t.eventId(), null, null, null, null, d.toJson());
  }
}
