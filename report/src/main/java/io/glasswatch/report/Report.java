package io.glasswatch.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one report shows, ready for rendering ({@link HtmlReport}).
 *
 * @param scope the period, account and tenant covered
 * @param policy the policy in force
 * @param generatedAt when the report was made
 * @param documents how many timeline documents were read
 * @param background how many of them were routine account activity, not part of any break-glass event
 * @param events one review per break-glass event (correlation) touched by the period, by start time
 * @param summary the period's figures
 */
public record Report(ReportScope scope, PolicyInForce policy, Instant generatedAt, long documents,
    long background, List<EventReview> events, Summary summary) {
  /** Copies the list. */
  public Report {
    events = List.copyOf(events);
  }

  /**
   * The figures of the summary section.
   *
   * @param eventsByKind number of events per kind label (root, JIT, emergency role, no request)
   * @param alertsByType number of alerts in the period per type and severity, most first
   * @param alertsBySeverity number of alerts per severity (critical, high, medium, low)
   * @param revokes revoke figures
   * @param rotations rotation figures
   * @param chainsVerified number of hash chains verified
   * @param chainsIntact number of them found intact
   * @param deviations the period's deviations from the policy, one row per alert type
   */
  public record Summary(Map<String, Long> eventsByKind, List<AlertCount> alertsByType,
      Map<String, Long> alertsBySeverity, Revokes revokes, Rotations rotations, long chainsVerified,
      long chainsIntact, List<Deviation> deviations) {
    /** Copies the lists and maps, keeping their order. */
    public Summary {
      eventsByKind = Collections.unmodifiableMap(new LinkedHashMap<>(eventsByKind));
      alertsByType = List.copyOf(alertsByType);
      alertsBySeverity = Collections.unmodifiableMap(new LinkedHashMap<>(alertsBySeverity));
      deviations = List.copyOf(deviations);
    }

    /** Total alerts in the period. */
    public long alerts() {
      return alertsBySeverity.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Alerts of one type and severity.
   *
   * @param type alert type
   * @param severity severity
   * @param count number in the period
   */
  public record AlertCount(String type, String severity, long count) {}

  /**
   * Revokes in the period.
   *
   * @param requested revoke commands issued
   * @param confirmed confirmed removals
   * @param alreadyAbsent assignments found already gone
   * @param failed revokes that failed
   * @param timesToRevoke every confirmed time to revoke, ascending
   */
  public record Revokes(long requested, long confirmed, long alreadyAbsent, long failed, List<Duration> timesToRevoke) {
    /** Copies the list. */
    public Revokes {
      timesToRevoke = List.copyOf(timesToRevoke);
    }

    /** The {@code p}-th percentile (0..100, nearest rank) of the times to revoke, or null when there are none. */
    public Duration percentile(long p) {
      if (timesToRevoke.isEmpty()) {
        return null;
      }
      int rank = (int) Math.ceil(p / 100.0 * timesToRevoke.size());
      return timesToRevoke.get(Math.max(0, Math.min(timesToRevoke.size() - 1, rank - 1)));
    }
  }

  /**
   * Rotation obligations of the period's events.
   *
   * @param due events that obliged a rotation
   * @param onTime rotated before the deadline
   * @param late rotated after it
   * @param missing not rotated, deadline passed
   * @param open deadline not reached yet
   */
  public record Rotations(long due, long onTime, long late, long missing, long open) {}

  /**
   * One kind of deviation from the policy in the period.
   *
   * @param type alert type
   * @param severity severity
   * @param count number of alerts
   * @param rule the policy threshold it is measured against, or empty
   * @param events the correlation ids involved
   */
  public record Deviation(String type, String severity, long count, String rule, List<String> events) {
    /** Copies the list. */
    public Deviation {
      events = List.copyOf(events);
    }
  }
}
