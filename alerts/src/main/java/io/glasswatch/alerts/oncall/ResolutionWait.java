package io.glasswatch.alerts.oncall;

import io.glasswatch.schema.AlertResolution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Resolutions that arrived before their alert was delivered (the two travel on different topics),
 * held by the on-call dispatcher's poll thread until the alert has a {@code delivered} record on
 * some channel, or until their give-up time. A held resolution keeps its input record's offset
 * uncommitted ({@link Tracked#hold()}). One resolution per alert is held; a repeat is dropped (it
 * would be delivered under the same keys). Poll thread only.
 */
final class ResolutionWait {
  /** A held resolution. */
  record Held(AlertResolution resolution, Tracked tracked, long giveUpAt) {}

  private final Map<String, Held> held = new LinkedHashMap<>();

  /** Holds {@code r} until {@code giveUpAt} (epoch ms); a second resolution of the same alert is not held. */
  void hold(AlertResolution r, Tracked t, long giveUpAt) {
    if (held.putIfAbsent(r.getAlertId(), new Held(r, t, giveUpAt)) == null) {
      t.hold();
    }
  }

  /**
   * Releases what is ready or due: those whose alert {@code delivered} now says was delivered, and
   * those past their give-up time. The caller handles each and then releases its {@link Tracked}.
   *
   * @param now epoch milliseconds
   * @param delivered whether the alert of this id has a delivered record
   * @return the released ones, oldest first
   */
  List<Held> release(long now, Predicate<String> delivered) {
    List<Held> out = held.values().stream()
        .filter(h -> delivered.test(h.resolution().getAlertId()) || now >= h.giveUpAt()).toList();
    out.forEach(h -> held.remove(h.resolution().getAlertId()));
    return out;
  }

  /** Drops those whose input record came from a partition this consumer no longer owns. */
  void forget(Predicate<Tracked> revoked) {
    held.values().removeIf(h -> revoked.test(h.tracked()));
  }
}
