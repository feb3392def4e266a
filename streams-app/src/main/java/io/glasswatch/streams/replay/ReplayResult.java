package io.glasswatch.streams.replay;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import java.util.List;
import java.util.Map;

/**
 * What a replay produced, each list in output order.
 *
 * @param alerts alerts written to {@code alerts}
 * @param revokeCommands commands written to {@code revoke-commands}
 * @param timeline chained entries written to {@code timeline}
 * @param deadLetters records the topology rejected (written to {@code dead-letter})
 * @param inputCounts records piped per input topic, clock ticks excluded
 */
public record ReplayResult(List<Alert> alerts, List<RevokeCommand> revokeCommands, List<TimelineEntry> timeline,
    List<DeadLetter> deadLetters, Map<String, Long> inputCounts) {

  /**
   * A rejected record.
   *
   * @param sourceTopic topic it was read from
   * @param key its key, or null
   * @param reason why it was rejected
   */
  public record DeadLetter(String sourceTopic, String key, String reason) {}

  /** Copies every list and map. */
  public ReplayResult {
    alerts = List.copyOf(alerts);
    revokeCommands = List.copyOf(revokeCommands);
    timeline = List.copyOf(timeline);
    deadLetters = List.copyOf(deadLetters);
    inputCounts = Map.copyOf(inputCounts);
  }

  /** Total input records piped, clock ticks excluded. */
  public long inputRecords() {
    return inputCounts.values().stream().mapToLong(Long::longValue).sum();
  }
}
