package io.glasswatch.streams.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.streams.correlation.RequestLifecycle.State;
import io.glasswatch.streams.correlation.RequestLifecycle.Transition;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.timeline.TimelineDraft;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The request lifecycle state machine on its own, times in minutes of event time. */
class RequestLifecycleMachineTest {
  private static final long MIN = 60_000;
  /** skew 2 min, decision delay 5 min, rotation deadline 24 h, retention 7 days. */
  private static final RequestLifecycle.Timing TIMING =
      new RequestLifecycle.Timing(2 * MIN, 5 * MIN, 24 * 60 * MIN, 7 * 24 * 60 * MIN);

  private final TreeSet<Long> rotations = new TreeSet<>();
  private final RequestLifecycle.Rotations evidence = (from, to) -> {
    Long t = rotations.ceiling(from);
    return t != null && t <= to ? t : null;
  };

  private static RequestLifecycle machine(String kind) {
    RequestLifecycle m = new RequestLifecycle("req-1", "111122223333");
    m.kind = kind;
    m.subject = "alice";
    return m;
  }

  private List<Transition> advance(RequestLifecycle m, double minutes, Double expiresAt) {
    return m.advance((long) (minutes * MIN), expiresAt == null ? null : (long) (expiresAt * MIN), "req-1/grant/1",
        evidence, TIMING);
  }

  private static List<String> arrows(List<Transition> ts) {
    return ts.stream().map(t -> (t.late() ? "late " : "") + (t.from() == null ? "new" : t.from().wireName())
        + " -> " + t.to().wireName()).toList();
  }

  @Test
  void jitRequestWithoutRootUseClosesRightAfterItsGrantExpires() {
    RequestLifecycle m = machine("jit");
    List<Transition> all = new ArrayList<>();
    all.addAll(m.apply("requested", 0, "req-1/request/1", "request"));
    all.addAll(m.apply("approved", 1 * MIN, "req-1/approval/2", "approved"));
    all.addAll(m.apply("granted", 2 * MIN, "req-1/grant/1", "grant"));
    all.addAll(m.apply("used", 3 * MIN, "req-1/usage/1", "usage allowed"));
    assertThat(advance(m, 31.9, 32.0)).as("not expired yet").isEmpty();
    all.addAll(advance(m, 32, 32.0));

    assertThat(arrows(all)).containsExactly("new -> requested", "requested -> approved", "approved -> granted",
        "granted -> used", "used -> expired", "expired -> closed");
    assertThat(all.get(4).at()).isEqualTo(32 * MIN);
    assertThat(all.get(4).eventId()).isEqualTo("req-1/grant/1");
    assertThat(all.get(5).at()).isEqualTo(32 * MIN);
    assertThat(m.state).isEqualTo(State.CLOSED);
    assertThat(m.closedAt).isEqualTo(32 * MIN);
  }

  @Test
  void anExpiryFactEndsTheRequestBeforeExpiresAt() {
    RequestLifecycle m = machine("jit");
    m.apply("granted", 2 * MIN, "g", "grant");
    List<Transition> ts = m.apply("revoked", 10 * MIN, "cmd-1", "expiry: revoked");
    ts = new ArrayList<>(ts);
    ts.addAll(advance(m, 10, 32.0));

    assertThat(arrows(ts)).containsExactly("granted -> revoked", "revoked -> closed");
    assertThat(m.endedAt).isEqualTo(10 * MIN);
  }

  @Test
  void requestWithRootUseClosesOnlyAfterRotationInsideTheWindow() {
    RequestLifecycle m = machine("root");
    List<Transition> all = new ArrayList<>();
    all.addAll(m.apply("requested", 0, "r", "request"));
    all.addAll(m.apply("approved", 1 * MIN, "a", "approved"));
    all.addAll(m.apply("granted", 2 * MIN, "g", "grant"));
    all.addAll(m.onRootUse(4 * MIN, "ct-1"));
    all.addAll(m.onRootUse(5 * MIN, "ct-2"));
    all.addAll(advance(m, 40, 32.0));
    assertThat(m.state).as("ended with root use: waits for rotation").isEqualTo(State.EXPIRED);

    rotations.add(60 * MIN);
    all.addAll(advance(m, 61, 32.0));

    assertThat(arrows(all)).containsExactly("new -> requested", "requested -> approved", "approved -> granted",
        "granted -> used", "used -> expired", "expired -> rotated", "rotated -> closed");
    assertThat(all.get(3).eventId()).isEqualTo("ct-1");
    assertThat(all.get(5).at()).isEqualTo(60 * MIN);
    assertThat(m.firstRootUseAt).isEqualTo(4 * MIN);
  }

  @Test
  void rotationDuringTheSessionCountsAtTheEnd() {
    RequestLifecycle m = machine("root");
    m.apply("granted", 2 * MIN, "g", "grant");
    m.onRootUse(4 * MIN, "ct-1");
    rotations.add(10 * MIN);

    assertThat(arrows(advance(m, 20, 32.0))).as("still used before the end").isEmpty();
    List<Transition> ts = advance(m, 32, 32.0);

    assertThat(arrows(ts)).containsExactly("used -> expired", "expired -> rotated", "rotated -> closed");
    assertThat(ts.get(1).at()).as("rotated at the end, not before it").isEqualTo(32 * MIN);
  }

  @Test
  void rotationAfterTheRotationDeadlineOrBeforeTheRootUseDoesNotCount() {
    RequestLifecycle m = machine("root");
    m.apply("granted", 2 * MIN, "g", "grant");
    m.onRootUse(4 * MIN, "ct-1");
    rotations.add(3 * MIN);
    rotations.add(32 * MIN + 24 * 60 * MIN + 1);

    List<Transition> ts = advance(m, 3 * 24 * 60, 32.0);

    assertThat(arrows(ts)).containsExactly("used -> expired");
    assertThat(m.state).isEqualTo(State.EXPIRED);
  }

  @Test
  void rootRequestWithoutRootUseWaitsSkewAndDecisionDelayBeforeClosing() {
    RequestLifecycle m = machine("root");
    m.apply("granted", 2 * MIN, "g", "grant");
    assertThat(arrows(advance(m, 38.9, 32.0))).containsExactly("granted -> expired");
    assertThat(m.state).isEqualTo(State.EXPIRED);

    // a late CloudTrail record of a root login inside the window arrives before the close
    List<Transition> late = m.onRootUse(31 * MIN, "ct-late");
    assertThat(arrows(late)).containsExactly("late expired -> used");
    assertThat(arrows(advance(m, 39, 32.0))).as("now it needs a rotation").isEmpty();

    RequestLifecycle quiet = machine("root");
    quiet.apply("granted", 2 * MIN, "g", "grant");
    advance(quiet, 33, 32.0);
    List<Transition> close = advance(quiet, 39, 32.0);
    assertThat(arrows(close)).containsExactly("expired -> closed");
    assertThat(close.get(0).at()).isEqualTo(39 * MIN);
  }

  @Test
  void outOfOrderStepsAreRecordedLateWithoutMovingBackwards() {
    RequestLifecycle m = machine("jit");
    List<Transition> all = new ArrayList<>();
    all.addAll(m.apply("requested", 0, "r", "request"));
    all.addAll(m.apply("granted", 2 * MIN, "g", "grant"));
    all.addAll(m.apply("approved", 1 * MIN, "a", "approved"));
    all.addAll(m.apply("consumed", 5 * MIN, "e", "expiry: consumed"));
    all.addAll(m.apply("used", 4 * MIN, "u", "usage allowed"));
    all.addAll(m.apply("revoked", 6 * MIN, "c", "expiry: revoked"));
    all.addAll(m.apply("approved", 1 * MIN, "a", "approved"));

    assertThat(arrows(all)).containsExactly("new -> requested", "requested -> granted", "late granted -> approved",
        "granted -> consumed", "late consumed -> used", "late consumed -> revoked");
    assertThat(m.state).isEqualTo(State.CONSUMED);
    assertThat(m.endedAt).isEqualTo(5 * MIN);
    assertThat(m.steps).containsKeys("approved", "used", "revoked");
  }

  @Test
  void stepsAfterCloseAreLateAndRootUseAfterCloseNeedsNoRotation() {
    RequestLifecycle m = machine("jit");
    m.apply("granted", 2 * MIN, "g", "grant");
    m.apply("expired", 32 * MIN, "e", "expiry: expired");
    advance(m, 32, 32.0);

    assertThat(arrows(m.onRootUse(20 * MIN, "ct-1"))).containsExactly("late closed -> used");
    assertThat(m.rootUse).isFalse();
    assertThat(m.state).isEqualTo(State.CLOSED);
  }

  @Test
  void neverGrantedRequestClosesAfterTheStateRetention() {
    RequestLifecycle m = machine("jit");
    m.apply("requested", 0, "r", "request");
    m.apply("approved", 1 * MIN, "a", "approved");

    assertThat(advance(m, 7 * 24 * 60 - 0.1, null)).isEmpty();
    List<Transition> ts = advance(m, 7 * 24 * 60, null);

    assertThat(arrows(ts)).containsExactly("approved -> closed");
    assertThat(ts.get(0).at()).isEqualTo(7 * 24 * 60 * MIN);
    assertThat(ts.get(0).cause()).isEqualTo("never granted");
  }

  @Test
  void closedRequestLeavesAfterTheGraceAndAnOpenOneAfterTheRetention() {
    RequestLifecycle closed = machine("jit");
    closed.apply("granted", 2 * MIN, "g", "grant");
    advance(closed, 32, 32.0);
    assertThat(closed.leaves(36 * MIN, 5 * MIN, TIMING.stateRetention())).isFalse();
    assertThat(closed.leaves(37 * MIN, 5 * MIN, TIMING.stateRetention())).isTrue();

    RequestLifecycle open = machine("jit");
    open.apply("granted", 2 * MIN, "g", "grant");
    assertThat(open.leaves(2 * MIN + TIMING.stateRetention() - 1, 5 * MIN, TIMING.stateRetention())).isFalse();
    assertThat(open.leaves(2 * MIN + TIMING.stateRetention(), 5 * MIN, TIMING.stateRetention())).isTrue();
    assertThat(open.state).as("a grant without expiry leaves without closing").isEqualTo(State.GRANTED);
  }

  @Test
  void eachTransitionIsOneTimelineEntryWithADeterministicId() {
    RequestLifecycle m = machine("jit");
    m.tenant = "acme";
    Transition t = m.apply("granted", 2 * MIN, "req-1/grant/1", "grant").get(0);
    TimelineDraft d = m.draft(t);

    assertThat(d.entryId()).isEqualTo("state:req-1:granted");
    assertThat(d.kind()).isEqualTo("state");
    assertThat(d.action()).isEqualTo("lifecycle_granted");
    assertThat(d.message()).isEqualTo("new -> granted");
    assertThat(d.eventId()).isEqualTo("req-1/grant/1");
    assertThat(d.userName()).isEqualTo("alice");
    assertThat(d.accountId()).isEqualTo("111122223333");
    assertThat(d.details()).contains("\"cause\":\"grant\"", "\"tenant\":\"acme\"");

    TimelineDraft used = m.draft(m.apply("used", 3 * MIN, "u", "usage allowed").get(0));
    assertThat(used.message()).isEqualTo("granted -> used");
    TimelineDraft late = m.draft(m.apply("approved", 1 * MIN, "a", "approved").get(0));
    assertThat(late.entryId()).isEqualTo("state:req-1:late-approved");
    assertThat(late.action()).isEqualTo("lifecycle_late_approved");
    assertThat(late.message()).isEqualTo("late approved at 1970-01-01T00:01:00Z: the state stays used");
  }

  @Test
  void aRepeatedStepIsIgnoredAndAnUnknownStepIsRejected() {
    RequestLifecycle m = machine("jit");
    m.apply("granted", 2 * MIN, "g", "grant");

    assertThat(m.apply("granted", 2 * MIN, "g", "grant")).isEmpty();
    assertThatThrownBy(() -> m.apply("paused", 3 * MIN, "x", "?")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LifecycleFact("r", "a", "jit", null, null, "paused", 0, "x", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown lifecycle event paused");
  }

  @Test
  void survivesAJsonRoundTrip() {
    RequestLifecycle m = machine("root");
    m.apply("granted", 2 * MIN, "g", "grant");
    m.onRootUse(4 * MIN, "ct-1");
    JsonSerde<RequestLifecycle> serde = new JsonSerde<>(RequestLifecycle.class);

    RequestLifecycle back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", m));

    assertThat(back.state).isEqualTo(State.USED);
    assertThat(back.rootUse).isTrue();
    assertThat(back.firstRootUseAt).isEqualTo(4 * MIN);
    assertThat(back.steps).isEqualTo(m.steps);
    assertThat(back.isRootKind()).isTrue();
  }
}
