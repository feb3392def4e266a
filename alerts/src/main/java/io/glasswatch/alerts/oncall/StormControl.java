package io.glasswatch.alerts.oncall;

import io.glasswatch.schema.Alert;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storm control of the on-call dispatcher (poll thread only).
 *
 * <p>Rule: more than {@link Routing.Storm#threshold()} alerts of one type within
 * {@link Routing.Storm#window()} start a storm: the storm is reported once
 * ({@link Notices#storm}), further alerts of that type are held and sent as one digest per
 * {@link Routing.Storm#digestInterval()} ({@link Notices#digest}); their input offsets commit when
 * the digest is recorded. The storm ends when a whole window passes at or below the threshold.
 * {@code threshold 0} turns storm control off.
 */
final class StormControl {
  private static final Logger LOG = LoggerFactory.getLogger(StormControl.class);

  /** Where storm reports and digests go. */
  @FunctionalInterface
  interface Sink {
    void submit(Notice notice, String channel, List<Tracked> tracked);
  }

  private static final class State {
    final Deque<Long> arrivals = new ArrayDeque<>();
    boolean active;
    long nextDigestAt;
    final List<Alert> held = new ArrayList<>();
    final List<Tracked> heldTracked = new ArrayList<>();
    final Set<String> heldChannels = new LinkedHashSet<>();
  }

  private final Routing routing;
  private final Sink sink;
  private final Map<String, State> states = new HashMap<>();
  private volatile long storms;

  StormControl(Routing routing, Sink sink) {
    this.routing = routing;
    this.sink = sink;
  }

  /**
   * Counts an alert; during a storm holds it for the next digest.
   *
   * @return true when the alert is held (the caller does not deliver it)
   */
  boolean holds(Alert alert, List<String> targets, Tracked t, long now) {
    Routing.Storm cfg = routing.storm();
    if (cfg.threshold() == 0) {
      return false;
    }
    State s = states.computeIfAbsent(alert.getAlertType(), k -> new State());
    s.arrivals.addLast(now);
    expire(s, now, cfg);
    if (!s.active && s.arrivals.size() > cfg.threshold()) {
      s.active = true;
      s.nextDigestAt = now + cfg.digestInterval().toMillis();
      storms++;
      LOG.warn("alert storm: {} fired {} times within {}", alert.getAlertType(), s.arrivals.size(), cfg.window());
      Notice storm = Notices.storm(alert, s.arrivals.size(), cfg, routing.links(), Instant.ofEpochMilli(now));
      targets.forEach(c -> sink.submit(storm, c, List.of()));
    }
    if (!s.active) {
      return false;
    }
    s.held.add(alert);
    t.hold();
    s.heldTracked.add(t);
    s.heldChannels.addAll(targets);
    return true;
  }

  /** Sends the digests that are due and ends storms that calmed down. */
  void digest(long now) {
    Routing.Storm cfg = routing.storm();
    for (Map.Entry<String, State> e : states.entrySet()) {
      State s = e.getValue();
      if (!s.active || now < s.nextDigestAt) {
        continue;
      }
      expire(s, now, cfg);
      if (!s.held.isEmpty()) {
        Notice digest = Notices.digest(e.getKey(), List.copyOf(s.held), routing.links(), Instant.ofEpochMilli(now));
        List<Tracked> tracked = List.copyOf(s.heldTracked);
        s.heldChannels.forEach(c -> sink.submit(digest, c, tracked));
        tracked.forEach(Tracked::release);
        s.held.clear();
        s.heldTracked.clear();
        s.heldChannels.clear();
      }
      s.nextDigestAt = now + cfg.digestInterval().toMillis();
      if (s.arrivals.size() <= cfg.threshold()) {
        s.active = false;
        LOG.info("alert storm of {} ended", e.getKey());
      }
    }
  }

  private static void expire(State s, long now, Routing.Storm cfg) {
    while (!s.arrivals.isEmpty() && s.arrivals.peekFirst() < now - cfg.window().toMillis()) {
      s.arrivals.pollFirst();
    }
  }

  /** Storms that began. */
  long storms() {
    return storms;
  }
}
