package io.glasswatch.report;

import io.glasswatch.sinks.timeline.TimelineDocuments;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Typed reads of timeline document fields ({@link TimelineDocuments} shape); every reader returns null when absent or unreadable. */
final class Docs {
  private Docs() {}

  static String text(Map<String, Object> doc, String... path) {
    Object v = TimelineDocuments.path(doc, path);
    return v == null ? null : v.toString();
  }

  static String detail(Map<String, Object> doc, String key) {
    return text(doc, "glasswatch", "details", key);
  }

  static boolean flag(Map<String, Object> doc, String key) {
    Object v = TimelineDocuments.path(doc, "glasswatch", "details", key);
    return Boolean.TRUE.equals(v) || "true".equals(v);
  }

  static Long number(Map<String, Object> doc, String... path) {
    Object v = TimelineDocuments.path(doc, path);
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return v == null ? null : Long.parseLong(v.toString());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static Instant timestamp(Map<String, Object> doc) {
    return instant(text(doc, "@timestamp"));
  }

  static long sequence(Map<String, Object> doc) {
    Long s = number(doc, "glasswatch", "sequence");
    return s == null ? 0 : s;
  }
}
