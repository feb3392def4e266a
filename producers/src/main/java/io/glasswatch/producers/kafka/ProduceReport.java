package io.glasswatch.producers.kafka;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link EventProducer} run wrote, counted from broker acknowledgements.
 *
 * @param produced acknowledged records per topic (the topic names written to), dead-letter excluded
 * @param rejected records written to the dead-letter topic (unreadable or unrecognized input)
 * @param skipped inputs recognized and deliberately not produced (CloudTrail digest files)
 * @param maxEventTime the latest event time produced, or null when nothing was
 * @param rejections one line per rejection, {@code <file>:<line>: <reason>}, in input order
 */
public record ProduceReport(Map<String, Long> produced, long rejected, long skipped, Instant maxEventTime,
    List<String> rejections) {

  /** Copies the collections (the per-topic counts sorted by topic). */
  public ProduceReport {
    produced = java.util.Collections.unmodifiableMap(new TreeMap<>(produced));
    rejections = List.copyOf(rejections);
  }

  /** Acknowledged records on {@code topic}, 0 when none. */
  public long producedTo(String topic) {
    return produced.getOrDefault(topic, 0L);
  }

  /** Acknowledged records on every topic but the dead-letter topic. */
  public long producedTotal() {
    return produced.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One line for operators, e.g. {@code produced 12 (cloudtrail-events=8, gateway-events=4), rejected 1, skipped 0}. */
  public String summary() {
    StringBuilder sb = new StringBuilder("produced ").append(producedTotal());
    if (!produced.isEmpty()) {
      sb.append(" (");
      produced.forEach((t, n) -> sb.append(t).append('=').append(n).append(", "));
      sb.setLength(sb.length() - 2);
      sb.append(')');
    }
    sb.append(", rejected ").append(rejected).append(", skipped ").append(skipped);
    if (maxEventTime != null) {
      sb.append(", latest event time ").append(maxEventTime);
    }
    return sb.toString();
  }
}
