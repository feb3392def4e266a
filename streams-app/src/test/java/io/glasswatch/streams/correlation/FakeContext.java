package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fake contexts of the rule tests share: the account and start time of the fixtures, a settable
 * time, one policy, and the alerts a rule raised ({@code R}: the stage's record of one raise).
 *
 * @param <R> what the stage records of one raised alert
 */
abstract class FakeContext<R> {
  static final String ACCOUNT = "111122223333";
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  long now;
  Policy policy = Policy.defaults();
  final List<R> raised = new ArrayList<>();

  FakeContext(long now) {
    this.now = now;
  }

  /** Epoch milliseconds {@code minutes} after {@link #T0}. */
  static long at(double minutes) {
    return T0.toEpochMilli() + Math.round(minutes * 60_000);
  }

  /** The alert of one raise. */
  abstract Alert alertOf(R raise);

  /** The types of the alerts raised, in order. */
  List<String> types() {
    return raised.stream().map(r -> alertOf(r).getAlertType()).toList();
  }

  /** The only alert raised. */
  Alert only() {
    if (raised.size() != 1) {
      throw new AssertionError("expected one alert, got " + types());
    }
    return alertOf(raised.get(0));
  }

  /** The time (deadline time, or stream time), epoch milliseconds. */
  public long now() {
    return now;
  }
}
