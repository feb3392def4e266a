package io.glasswatch.cli.investigation;

import io.glasswatch.sinks.timeline.TimelineDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * "What was done with this grant" (SPEC 1.6): the CloudTrail calls of a grant's AWS sessions, read from the
 * request's timeline documents (entries whose {@code glasswatch.details.grantSession} the streams app set,
 * see {@code GrantSessions}), summarised for the evidence bundle: calls grouped by service and action with
 * counts, the write calls (every call CloudTrail did not mark {@code readOnly: true}, so a call of unknown kind
 * is listed), the KMS keys named with their calls, the first and the last call, and every call after the grant
 * ended ({@code afterGrantEnd}). Pure: reads the documents only.
 */
public final class GrantActivity {
  private GrantActivity() {}

  /**
   * The summary of {@code docs} (documents in chain order), as a JSON-ready map:
   * {@code {calls, byService: {<eventSource>: {<action>: count}}, writeCalls: [call], kmsKeys: {<key>: [action]},
   * firstCall, lastCall, afterGrantEnd: [call]}}, each call {@code {@timestamp, action, eventSource, eventId,
   * session, outcome}}; {@code calls} 0 and empty parts when the grant has no session record.
   */
  public static Map<String, Object> of(List<Map<String, Object>> docs) {
    List<Map<String, Object>> calls = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      if ("cloudtrail".equals(TimelineDocuments.path(d, "event", "provider"))
          && TimelineDocuments.path(d, "glasswatch", "details", "grantSession") != null) {
        calls.add(d);
      }
    }
    calls.sort((a, b) -> String.valueOf(a.get("@timestamp")).compareTo(String.valueOf(b.get("@timestamp"))));
    Map<String, Map<String, Integer>> byService = new TreeMap<>();
    Map<String, List<String>> kmsKeys = new TreeMap<>();
    List<Map<String, Object>> writes = new ArrayList<>();
    List<Map<String, Object>> after = new ArrayList<>();
    for (Map<String, Object> d : calls) {
      String source = String.valueOf(detail(d, "eventSource"));
      String action = String.valueOf(TimelineDocuments.path(d, "event", "action"));
      byService.computeIfAbsent(source, k -> new TreeMap<>()).merge(action, 1, Integer::sum);
      if (!Boolean.TRUE.equals(bool(detail(d, "readOnly")))) {
        writes.add(call(d));
      }
      Object key = detail(d, "kmsKey");
      if (key != null) {
        kmsKeys.computeIfAbsent(String.valueOf(key), k -> new ArrayList<>()).add(action);
      }
      if (Boolean.TRUE.equals(bool(detail(d, "afterGrantEnd")))) {
        after.add(call(d));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("calls", calls.size());
    out.put("byService", byService);
    out.put("writeCalls", writes);
    out.put("kmsKeys", kmsKeys);
    out.put("firstCall", calls.isEmpty() ? null : call(calls.get(0)));
    out.put("lastCall", calls.isEmpty() ? null : call(calls.get(calls.size() - 1)));
    out.put("afterGrantEnd", after);
    return out;
  }

  /** The summary as the Markdown section {@code ## What was done with this grant}. */
  @SuppressWarnings("unchecked")
  public static String markdown(Map<String, Object> a) {
    StringBuilder sb = new StringBuilder("## What was done with this grant\n\n");
    int n = (Integer) a.get("calls");
    if (n == 0) {
      return sb.append("No CloudTrail record of the grant's AWS sessions is in the timeline.\n\n").toString();
    }
    sb.append("- calls: ").append(n).append('\n');
    sb.append("- first call: ").append(line((Map<String, Object>) a.get("firstCall"))).append('\n');
    sb.append("- last call: ").append(line((Map<String, Object>) a.get("lastCall"))).append("\n\n");
    sb.append("| service | action | calls |\n|---|---|---|\n");
    ((Map<String, Map<String, Integer>>) a.get("byService")).forEach((service, actions) -> actions.forEach(
        (action, count) -> sb.append("| ").append(service).append(" | ").append(action).append(" | ").append(count)
            .append(" |\n")));
    sb.append("\n**Write calls** (not marked read-only by CloudTrail)\n\n");
    List<Map<String, Object>> writes = (List<Map<String, Object>>) a.get("writeCalls");
    if (writes.isEmpty()) {
      sb.append("- none\n");
    }
    writes.forEach(w -> sb.append("- ").append(line(w)).append('\n'));
    sb.append("\n**KMS keys**\n\n");
    Map<String, List<String>> keys = (Map<String, List<String>>) a.get("kmsKeys");
    if (keys.isEmpty()) {
      sb.append("- none\n");
    }
    keys.forEach((k, actions) -> sb.append("- `").append(k).append("`: ").append(String.join(", ", actions)).append('\n'));
    sb.append("\n**Calls after the grant ended**\n\n");
    List<Map<String, Object>> after = (List<Map<String, Object>>) a.get("afterGrantEnd");
    if (after.isEmpty()) {
      sb.append("- none\n");
    }
    after.forEach(w -> sb.append("- ").append(line(w)).append('\n'));
    return sb.append('\n').toString();
  }

  private static String line(Map<String, Object> c) {
    return c.get("@timestamp") + " " + c.get("eventSource") + " " + c.get("action") + " (" + c.get("eventId")
        + ", session " + c.get("session") + ", " + c.get("outcome") + ")";
  }

  private static Map<String, Object> call(Map<String, Object> d) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("@timestamp", d.get("@timestamp"));
    c.put("action", TimelineDocuments.path(d, "event", "action"));
    c.put("eventSource", detail(d, "eventSource"));
    c.put("eventId", TimelineDocuments.path(d, "glasswatch", "event_id"));
    c.put("session", TimelineDocuments.path(d, "glasswatch", "details", "grantSession", "session"));
    c.put("outcome", TimelineDocuments.path(d, "event", "outcome"));
    return c;
  }

  private static Object detail(Map<String, Object> d, String key) {
    return TimelineDocuments.path(d, "glasswatch", "details", key);
  }

  private static Boolean bool(Object v) {
    return v instanceof Boolean b ? b : v == null ? null : Boolean.valueOf(String.valueOf(v));
  }
}
