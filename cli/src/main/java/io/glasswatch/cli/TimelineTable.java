package io.glasswatch.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Prints timeline documents (the ECS documents of the timeline index) as a readable table: time,
 * source, actor, action, outcome, and the message, with alerts marked {@code !}.
 */
public final class TimelineTable {
  private TimelineTable() {}

  /** Prints {@code docs} (in chain order) to {@code out}. */
  public static void print(List<Map<String, Object>> docs, PrintStream out) {
    out.printf("    %-4s %-20s %-10s %-20s %-22s %-8s %s%n", "SEQ", "TIME (UTC)", "SOURCE", "ACTOR", "ACTION", "OUTCOME", "MESSAGE");
    for (Map<String, Object> d : docs) {
      String kind = str(get(d, "glasswatch", "kind"));
      out.printf("    %-4s %-20s %-10s %-20s %-22s %-8s %s%s%n",
          str(get(d, "glasswatch", "sequence")),
          truncate(str(d.get("@timestamp")).replace("T", " ").replaceAll("\\.\\d+Z$|Z$", ""), 20),
          truncate(str(get(d, "event", "provider")), 10),
          truncate(str(get(d, "user", "name")), 20),
          truncate(str(get(d, "event", "action")), 22),
          truncate(str(get(d, "event", "outcome")), 8),
          "alert".equals(kind) ? "! " : "",
          truncate(str(d.get("message")), 110));
    }
  }

  @SuppressWarnings("unchecked")
  private static Object get(Map<String, Object> d, String... path) {
    Object cur = d;
    for (String p : path) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      Object next = ((Map<String, Object>) m).get(p);
      if (next == null) {
        next = ((Map<String, Object>) m).get(String.join(".", path));
      }
      cur = next;
    }
    return cur;
  }

  private static String str(Object o) {
    return o == null ? "-" : o.toString();
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
