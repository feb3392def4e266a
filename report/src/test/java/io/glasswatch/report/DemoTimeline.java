package io.glasswatch.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timeline of the bundled demo scenarios ({@code cli/src/main/resources/scenarios/}) as
 * {@code glasswatch replay --timeline-out} writes it, kept in {@code src/test/resources/demo/} with the
 * replay's alerts. Replay makes no IAM Identity Center call, so for each revoke it requested the
 * live pipeline's confirmation is appended to the chain, hash-linked as the streams application does
 * ({@link #withRevokeResults}). Regenerate both files after a change to the scenarios or the rules with
 * {@code glasswatch replay --gateway-audit-key-file KEY --alerts-out report/src/test/resources/demo/alerts.jsonl
 * --timeline-out report/src/test/resources/demo/timeline.jsonl cli/src/main/resources/scenarios/} with the
 * sources settings of the recorded runs ({@code KEY} a file holding {@code harness-audit-key}, and
 * {@code GLASSWATCH_SOURCES_JIT_CONTROLLER_INSTANCE_ARN} / {@code _PERMISSION_SET_ARN} set to the JIT
 * controller's deployment), so every scenario, 08 and 09 included, is in it.
 */
final class DemoTimeline {
  static final ObjectMapper JSON = new ObjectMapper();

  private DemoTimeline() {}

  /** Every document of the replayed demo timeline, in file order. */
  static List<Map<String, Object>> documents() {
    return jsonLines("/demo/timeline.jsonl");
  }

  /** Every alert of the replay (SPEC section 3 JSON). */
  static List<Map<String, Object>> alerts() {
    return jsonLines("/demo/alerts.jsonl");
  }

  /** The documents grouped by correlation, each chain in file (sequence) order. */
  static Map<String, List<Map<String, Object>>> chains(List<Map<String, Object>> docs) {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (Map<String, Object> d : docs) {
      out.computeIfAbsent(Docs.text(d, "glasswatch", "correlation_id"), k -> new ArrayList<>()).add(d);
    }
    return out;
  }

  /**
   * The chains with the live pipeline's result appended after each {@code revoke_requested}: a
   * {@code revoke_confirmed}, its time to revoke {@code 700 ms + 2.9 s x n} for the n-th revoke; or, for a
   * grant that recorded no IAM Identity Center assignment (the AuthZ gateway's session tokens of scenario
   * 08), the {@code revoke_failed} the executor writes at once.
   */
  static Map<String, List<Map<String, Object>>> withRevokeResults(Map<String, List<Map<String, Object>>> chains) {
    int n = 0;
    for (List<Map<String, Object>> chain : chains.values()) {
      List<Map<String, Object>> requested = chain.stream()
          .filter(d -> "revoke_requested".equals(Docs.text(d, "event", "action"))).toList();
      for (Map<String, Object> r : requested) {
        if (Docs.detail(r, "assignmentAccountId") == null) {
          append(chain, Docs.timestamp(r).plusMillis(150), "enforcement", "revoke_failed", "failure",
              "Revoke of request " + Docs.text(r, "glasswatch", "correlation_id") + " failed: no recorded assignment",
              "{\"attempts\":0,\"commandId\":\"" + Docs.detail(r, "commandId") + "\"}");
          continue;
        }
        long ttr = 700 + 2900L * n++;
        append(chain, Docs.timestamp(r).plusMillis(ttr), "enforcement", "revoke_confirmed", "success",
            "Revoke of request " + Docs.text(r, "glasswatch", "correlation_id") + " confirmed: assignment removed "
                + ttr + " ms after detection (1 attempt)",
            "{\"attempts\":1,\"commandId\":\"" + Docs.detail(r, "commandId") + "\",\"timeToRevokeMillis\":" + ttr + "}");
      }
    }
    return chains;
  }

  /** Appends one entry to a chain, linked to its last entry, and returns its document. */
  static Map<String, Object> append(List<Map<String, Object>> chain, Instant at, String kind, String action,
      String outcome, String message, String details) {
    Map<String, Object> last = chain.get(chain.size() - 1);
    TimelineEntry entry = TimelineEntry.newBuilder()
        .setEntryId(Hashing.deterministicId(Docs.text(last, "glasswatch", "correlation_id"), action,
            Long.toString(chain.size())))
        .setTimestamp(at)
        .setCorrelationId(Docs.text(last, "glasswatch", "correlation_id"))
        .setRequestId(Docs.text(last, "glasswatch", "request_id"))
        .setAccountId(Docs.text(last, "cloud", "account", "id"))
        .setSource("glasswatch").setKind(kind).setAction(action).setOutcome(outcome)
        .setMessage(message).setDetails(details)
        .setSequence(Docs.sequence(last) + 1)
        .setPrevHash(Docs.text(last, "glasswatch", "hash"))
        .build();
    entry.setHash(Hashing.timelineHash(entry));
    Map<String, Object> doc = TimelineDocuments.toDocument(entry);
    chain.add(doc);
    return doc;
  }

  private static List<Map<String, Object>> jsonLines(String resource) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        DemoTimeline.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          out.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {}));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
