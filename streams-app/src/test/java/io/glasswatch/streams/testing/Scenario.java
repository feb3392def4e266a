package io.glasswatch.streams.testing;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.enforcement.SweeperSettings;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.replay.Replayer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Inputs in arrival order, replayed through the production topology by the {@link Replayer}. */
public final class Scenario {
  private final List<InputRecord> records = new ArrayList<>();
  private Policy policy = Policy.defaults();
  private SweeperSettings sweeper = SweeperSettings.DEFAULTS;

  /** An empty scenario under the default policy. */
  public static Scenario create() {
    return new Scenario();
  }

  /** Uses {@code p} instead of the default policy. */
  public Scenario policy(Policy p) {
    policy = p;
    return this;
  }

  /** Runs the expiry sweeper as {@code s} says instead of the defaults. */
  public Scenario sweeper(SweeperSettings s) {
    sweeper = s;
    return this;
  }

  /** Appends values in arrival order. */
  public Scenario then(SpecificRecord... values) {
    for (SpecificRecord v : values) {
      records.add(Events.in(v));
    }
    return this;
  }

  /** Appends a clock tick at {@code t}. */
  public Scenario tick(Instant t) {
    records.add(Events.tick(t));
    return this;
  }

  /** Appends raw input records. */
  public Scenario records(List<InputRecord> more) {
    records.addAll(more);
    return this;
  }

  /** The inputs so far. */
  public List<InputRecord> records() {
    return List.copyOf(records);
  }

  /** Replays the inputs. */
  public ReplayResult run() {
    return new Replayer(policy, sweeper).replay(records);
  }

  /** The alerts of {@code result} of type {@code type}. */
  public static List<Alert> alertsOf(ReplayResult result, String type) {
    return result.alerts().stream().filter(a -> a.getAlertType().equals(type)).toList();
  }

  /** The timeline entry with {@code entryId}, or null. */
  public static TimelineEntry entry(ReplayResult result, String entryId) {
    return result.timeline().stream().filter(e -> e.getEntryId().equals(entryId)).findFirst().orElse(null);
  }
}
