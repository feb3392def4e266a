package io.glasswatch.cli;

import io.glasswatch.cli.investigation.TimelineFormat;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Prints timeline documents (the ECS documents of the timeline index) as a readable table: sequence,
 * time, source, actor, action, outcome, alert marks and the message ({@link TimelineFormat#TABLE}).
 */
public final class TimelineTable {
  private TimelineTable() {}

  /** Prints {@code docs} (in chain order) to {@code out}. */
  public static void print(List<Map<String, Object>> docs, PrintStream out) {
    TimelineFormat.TABLE.print(docs, out);
  }
}
