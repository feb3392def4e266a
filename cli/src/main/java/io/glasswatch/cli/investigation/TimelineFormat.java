package io.glasswatch.cli.investigation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders timeline documents (the ECS documents of the timeline index, {@link TimelineDocuments}) for
 * an investigator: a fixed-width table, a Markdown table, or JSON.
 *
 * <p>Columns of the table and Markdown forms: sequence, time (UTC), source ({@code event.provider}),
 * actor ({@code user.name}), action ({@code event.action}), outcome (the entry's own outcome, else
 * {@code event.outcome}), alert marks, message. Alert marks: an alert row shows
 * {@code !! <severity> <ALERT_TYPE>}; an input event that an alert of the same timeline cites as
 * evidence shows {@code <- <ALERT_TYPE>} (one per citing alert type); an enforcement step shows
 * {@code revoke}. JSON is an array of the documents as stored, minus {@code glasswatch.details_json}
 * (the parsed {@code glasswatch.details} carries the same content).
 */
public enum TimelineFormat {
  /** Fixed-width text table. */
  TABLE,
  /** JSON array of the documents. */
  JSON,
  /** GitHub-flavoured Markdown table. */
  MARKDOWN;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Picocli-friendly parse of {@code table}, {@code json} or {@code markdown} (any case).
   *
   * @throws IllegalArgumentException for any other value
   */
  public static TimelineFormat of(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }

  /** Writes {@code docs} (in the order given) to {@code out} in this format. */
  public void print(List<Map<String, Object>> docs, PrintStream out) {
    out.print(render(docs));
    out.flush();
  }

  /** {@code docs} in this format, ending with a line break. */
  public String render(List<Map<String, Object>> docs) {
    return switch (this) {
      case TABLE -> table(docs);
      case JSON -> json(docs);
      case MARKDOWN -> markdown(docs);
    };
  }

  /** One row of the table forms. */
  public record Row(String sequence, String time, String source, String actor, String action, String outcome,
      String marks, String message) {}

  /** The rows of {@code docs}, alert marks resolved within {@code docs}. */
  public static List<Row> rows(List<Map<String, Object>> docs) {
    Map<String, Set<String>> citedBy = new HashMap<>();
    for (Map<String, Object> d : docs) {
      if ("alert".equals(str(TimelineDocuments.path(d, "glasswatch", "kind")))
          && TimelineDocuments.path(d, "glasswatch", "details", "evidence") instanceof List<?> evidence) {
        for (Object id : evidence) {
          citedBy.computeIfAbsent(String.valueOf(id), k -> new LinkedHashSet<>())
              .add(str(TimelineDocuments.path(d, "glasswatch", "alert_type")));
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      String kind = str(TimelineDocuments.path(d, "glasswatch", "kind"));
      String marks;
      if ("alert".equals(kind)) {
        marks = "!! " + str(TimelineDocuments.path(d, "glasswatch", "severity")) + " "
            + str(TimelineDocuments.path(d, "glasswatch", "alert_type"));
      } else if ("enforcement".equals(kind)) {
        marks = "revoke";
      } else {
        Set<String> types = citedBy.get(str(TimelineDocuments.path(d, "glasswatch", "event_id")));
        marks = types == null ? "" : "<- " + String.join(", ", types);
      }
      Object outcome = TimelineDocuments.path(d, "glasswatch", "outcome");
      if (outcome == null) {
        outcome = TimelineDocuments.path(d, "event", "outcome");
      }
      rows.add(new Row(str(TimelineDocuments.path(d, "glasswatch", "sequence")),
          str(d.get("@timestamp")).replace("T", " ").replaceAll("Z$", ""),
          str(TimelineDocuments.path(d, "event", "provider")),
          str(TimelineDocuments.path(d, "user", "name")),
          str(TimelineDocuments.path(d, "event", "action")),
          str(outcome), marks, str(d.get("message"))));
    }
    return rows;
  }

  private static String table(List<Map<String, Object>> docs) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-4s %-23s %-10s %-24s %-24s %-8s %-30s %s%n";
    sb.append(String.format(Locale.ROOT, fmt, "SEQ", "TIME (UTC)", "SOURCE", "ACTOR", "ACTION", "OUTCOME",
        "ALERT", "MESSAGE"));
    for (Row r : rows(docs)) {
      sb.append(String.format(Locale.ROOT, fmt, r.sequence(), r.time(), cut(r.source(), 10), cut(r.actor(), 24),
          cut(r.action(), 24), cut(r.outcome(), 8), cut(r.marks(), 30), cut(r.message(), 120)));
    }
    return sb.toString();
  }

  private static String markdown(List<Map<String, Object>> docs) {
    StringBuilder sb = new StringBuilder();
    sb.append("| seq | time (UTC) | source | actor | action | outcome | alert | message |\n");
    sb.append("|---:|---|---|---|---|---|---|---|\n");
    for (Row r : rows(docs)) {
      sb.append("| ").append(String.join(" | ", md(r.sequence()), md(r.time()), md(r.source()), md(r.actor()),
          md(r.action()), md(r.outcome()), md(r.marks()), md(r.message()))).append(" |\n");
    }
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static String json(List<Map<String, Object>> docs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      Map<String, Object> copy = new java.util.LinkedHashMap<>(d);
      if (copy.get("glasswatch") instanceof Map<?, ?> gw) {
        Map<String, Object> g = new java.util.LinkedHashMap<>((Map<String, Object>) gw);
        g.remove("details_json");
        copy.put("glasswatch", g);
      }
      out.add(copy);
    }
    try {
      return MAPPER.writeValueAsString(out) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String md(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ");
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  private static String str(Object o) {
    return o == null ? "-" : o.toString();
  }
}
