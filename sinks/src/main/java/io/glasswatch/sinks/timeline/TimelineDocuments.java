package io.glasswatch.sinks.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.TimelineEntry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps a {@link TimelineEntry} to the Elasticsearch document of the timeline index: ECS fields where
 * ECS has one, {@code glasswatch.*} for the rest (ECS field reference:
 * www.elastic.co/guide/en/ecs/current/ecs-field-reference.html).
 *
 * <p>Document shape (nested objects, absent fields omitted, never {@code null}):
 *
 * <pre>
 * &#64;timestamp           entry.timestamp, ISO-8601 UTC with milliseconds ("2025-03-01T10:15:30.000Z")
 * ecs.version          {@value #ECS_VERSION}
 * message              entry.message
 * event.id             entry.entryId
 * event.kind           entry.kind mapped to an ECS allowed value: event, alert, state; "enforcement"
 *                      (and any value ECS does not allow) becomes "event"
 * event.action         entry.action
 * event.provider       entry.source (gateway, cloudtrail, guardduty, glasswatch)
 * event.outcome        entry.outcome mapped to success | failure | unknown
 * event.module         "glasswatch"
 * event.dataset        "glasswatch.timeline"
 * event.severity       alerts only: low 21, medium 47, high 73, critical 99 (Elastic Security's risk
 *                      score bands)
 * event.duration       revoke results with details.timeToRevokeMillis: that time in nanoseconds (ECS
 *                      event.duration is in nanoseconds)
 * cloud.provider       "aws"
 * cloud.account.id     entry.accountId
 * user.name            entry.userName
 * source.address       entry.sourceIp as given (an IP, a host name or "AWS Internal")
 * source.ip            entry.sourceIp only when it is an IPv4 or IPv6 literal
 * user_agent.original  entry.userAgent
 * rule.name            entry.alertType (alerts)
 * glasswatch.*         entry_id, correlation_id, request_id, kind (Glasswatch's own value), sequence,
 *                      prev_hash, hash, event_id, alert_id, alert_type, severity, token_fingerprint,
 *                      details (entry.details parsed as a JSON object; a value that is not a JSON
 *                      object is kept as {"value": text}; values of secret-looking keys are redacted),
 *                      outcome (entry.outcome exactly as written), details_json (entry.details exactly
 *                      as hashed; not indexed), details_redacted (true only when details_json had to be
 *                      redacted, which makes the entry unverifiable)
 * </pre>
 *
 * <p>Every field of the entry is kept exactly (glasswatch.kind, glasswatch.outcome,
 * glasswatch.details_json, source.address ...), so {@link #toEntry(Map)} rebuilds the entry the
 * streams application hashed and the chain can be verified from Elasticsearch alone
 * ({@link TimelineVerifier}).
 *
 * <p>The index of a document is {@code <prefix>-<yyyy.MM>} of its {@code @timestamp} in UTC.
 */
public final class TimelineDocuments {
  /** ECS version the field names follow. */
  public static final String ECS_VERSION = "8.17.0";
  /** {@code event.module} of every document. */
  public static final String MODULE = "glasswatch";
  /** {@code event.dataset} of every document. */
  public static final String DATASET = "glasswatch.timeline";
  /** Value that replaces secrets found in {@code details}. */
  public static final String REDACTED = "[REDACTED]";

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("uuuu.MM", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Set<String> ECS_KINDS = Set.of("event", "alert", "state");
  private static final Set<String> SUCCESS = Set.of("success", "allow", "allowed", "succeeded", "ok");
  private static final Set<String> FAILURE = Set.of("failure", "deny", "denied", "failed", "error");
  private static final ObjectMapper JSON = new ObjectMapper();

  private TimelineDocuments() {}

  /**
   * The timeline document of {@code entry}.
   *
   * @param entry a timeline entry as written by the streams application
   * @return a mutable, insertion-ordered map of nested maps, strings and longs, ready for JSON
   * @throws NullPointerException when a required field (entryId, timestamp, correlationId, source,
   *     kind, action, message) is null
   */
  public static Map<String, Object> toDocument(TimelineEntry entry) {
    Objects.requireNonNull(entry.getEntryId(), "entryId");
    Objects.requireNonNull(entry.getTimestamp(), "timestamp");
    // one parse of the details serves the duration, the flattened object and the exact (or redacted) text
    Object parsed = entry.getDetails() == null ? null : parseJson(entry.getDetails());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@timestamp", formatTimestamp(entry.getTimestamp()));
    put(doc, "ecs", "version", ECS_VERSION);
    doc.put("message", Objects.requireNonNull(entry.getMessage(), "message"));

    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", entry.getEntryId());
    event.put("kind", ecsKind(Objects.requireNonNull(entry.getKind(), "kind")));
    event.put("action", Objects.requireNonNull(entry.getAction(), "action"));
    event.put("provider", Objects.requireNonNull(entry.getSource(), "source"));
    if (entry.getOutcome() != null) {
      event.put("outcome", ecsOutcome(entry.getOutcome()));
    }
    event.put("module", MODULE);
    event.put("dataset", DATASET);
    Long severity = severityScore(entry.getSeverity());
    if (severity != null && "alert".equals(entry.getKind())) {
      event.put("severity", severity);
    }
    Long durationNanos = timeToRevokeNanos(entry, parsed);
    if (durationNanos != null) {
      event.put("duration", durationNanos);
    }
    doc.put("event", event);

    Map<String, Object> cloud = new LinkedHashMap<>();
    cloud.put("provider", "aws");
    if (entry.getAccountId() != null) {
      cloud.put("account", Map.of("id", entry.getAccountId()));
    }
    doc.put("cloud", cloud);

    put(doc, "user", "name", entry.getUserName());
    if (entry.getSourceIp() != null && !entry.getSourceIp().isBlank()) {
      Map<String, Object> source = new LinkedHashMap<>();
      if (isIpAddress(entry.getSourceIp())) {
        source.put("ip", entry.getSourceIp());
      }
      source.put("address", entry.getSourceIp());
      doc.put("source", source);
    }
    put(doc, "user_agent", "original", entry.getUserAgent());
    put(doc, "rule", "name", entry.getAlertType());

    Map<String, Object> gw = new LinkedHashMap<>();
    gw.put("entry_id", entry.getEntryId());
    gw.put("correlation_id", Objects.requireNonNull(entry.getCorrelationId(), "correlationId"));
    putIfPresent(gw, "request_id", entry.getRequestId());
    gw.put("kind", entry.getKind());
    putIfPresent(gw, "outcome", entry.getOutcome());
    gw.put("sequence", entry.getSequence());
    putIfPresent(gw, "prev_hash", entry.getPrevHash());
    putIfPresent(gw, "hash", entry.getHash());
    putIfPresent(gw, "event_id", entry.getEventId());
    putIfPresent(gw, "alert_id", entry.getAlertId());
    putIfPresent(gw, "alert_type", entry.getAlertType());
    putIfPresent(gw, "severity", entry.getSeverity());
    putIfPresent(gw, "token_fingerprint", entry.getTokenFingerprint());
    if (entry.getDetails() != null) {
      String exact = entry.getDetails();
      Object redacted = parsed instanceof Map<?, ?> m ? redact(m) : null;
      if (!exact.isBlank()) {
        gw.put("details", redacted != null ? redacted : wrapped(exact));
      }
      boolean changed = redacted != null && !redacted.equals(parsed);
      gw.put("details_json", changed ? writeString(redacted) : exact);
      if (changed) {
        gw.put("details_redacted", true);
      }
    }
    doc.put("glasswatch", gw);
    return doc;
  }

  /**
   * The entry a document was made from: the inverse of {@link #toDocument(TimelineEntry)} for every
   * field the hash chain covers ({@code io.glasswatch.schema.Hashing#canonicalTimelineJson}).
   *
   * @param doc a timeline document ({@code _source}) as nested maps
   * @return the entry, with sequence, prevHash and hash as stored
   * @throws IllegalArgumentException when a required field (glasswatch.entry_id, @timestamp,
   *     glasswatch.correlation_id, event.provider, glasswatch.kind, event.action, message) is missing
   *     or {@code @timestamp} is not ISO-8601
   */
  public static TimelineEntry toEntry(Map<String, Object> doc) {
    String timestamp = required(doc, "@timestamp");
    Instant at;
    try {
      at = Instant.parse(timestamp);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("@timestamp is not ISO-8601: " + timestamp, e);
    }
    Object sequence = path(doc, "glasswatch", "sequence");
    return TimelineEntry.newBuilder()
        .setEntryId(required(doc, "glasswatch", "entry_id"))
        .setTimestamp(at)
        .setCorrelationId(required(doc, "glasswatch", "correlation_id"))
        .setRequestId(text(doc, "glasswatch", "request_id"))
        .setAccountId(text(doc, "cloud", "account", "id"))
        .setSource(required(doc, "event", "provider"))
        .setKind(required(doc, "glasswatch", "kind"))
        .setAction(required(doc, "event", "action"))
        .setOutcome(text(doc, "glasswatch", "outcome"))
        .setUserName(text(doc, "user", "name"))
        .setSourceIp(text(doc, "source", "address"))
        .setUserAgent(text(doc, "user_agent", "original"))
        .setMessage(required(doc, "message"))
        .setEventId(text(doc, "glasswatch", "event_id"))
        .setAlertId(text(doc, "glasswatch", "alert_id"))
        .setAlertType(text(doc, "glasswatch", "alert_type"))
        .setSeverity(text(doc, "glasswatch", "severity"))
        .setTokenFingerprint(text(doc, "glasswatch", "token_fingerprint"))
        .setDetails(text(doc, "glasswatch", "details_json"))
        .setSequence(sequence instanceof Number n ? n.longValue()
            : sequence == null ? 0L : Long.parseLong(sequence.toString()))
        .setPrevHash(text(doc, "glasswatch", "prev_hash"))
        .setHash(text(doc, "glasswatch", "hash"))
        .build();
  }

  /**
   * The value at a dotted path of nested maps, e.g. {@code path(doc, "glasswatch", "entry_id")};
   * null when any step is missing or not an object.
   */
  public static Object path(Map<String, Object> doc, String... keys) {
    Object cur = doc;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(k);
    }
    return cur;
  }

  private static String text(Map<String, Object> doc, String... keys) {
    Object v = path(doc, keys);
    return v == null ? null : v.toString();
  }

  private static String required(Map<String, Object> doc, String... keys) {
    String v = text(doc, keys);
    if (v == null) {
      throw new IllegalArgumentException("timeline document has no " + String.join(".", keys));
    }
    return v;
  }

  /** details.timeToRevokeMillis of a revoke result in nanoseconds, else null; {@code details} is the parsed details. */
  private static Long timeToRevokeNanos(TimelineEntry entry, Object details) {
    if (!"enforcement".equals(entry.getKind()) || !entry.getAction().startsWith("revoke_")
        || "revoke_requested".equals(entry.getAction())) {
      return null;
    }
    if (details instanceof Map<?, ?> m && m.get("timeToRevokeMillis") instanceof Number n) {
      return n.longValue() * 1_000_000L;
    }
    return null;
  }

  /** The details text with secret values redacted, or null when it holds no secret (or is not a JSON object). */
  /** {@code text} parsed as JSON, or null when it is not JSON. */
  private static Object parseJson(String text) {
    try {
      return JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      return null; // not JSON: nothing to redact, kept as text
    }
  }

  private static String writeString(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write redacted details as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Map<String, Object> wrapped(String details) {
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("value", details);
    return wrapped;
  }


  /**
   * The index of a document: {@code <prefix>-<yyyy.MM>} of {@code timestamp} in UTC, e.g.
   * {@code glasswatch-timeline-2025.03}.
   *
   * @param prefix index prefix ({@code elasticsearch.timeline.index-prefix}), lower case
   * @param timestamp the entry's timestamp
   */
  public static String indexName(String prefix, Instant timestamp) {
    return prefix + "-" + MONTH.format(timestamp);
  }

  /** The index of {@code entry}'s document under {@code prefix}; see {@link #indexName(String, Instant)}. */
  public static String indexName(String prefix, TimelineEntry entry) {
    return indexName(prefix, entry.getTimestamp());
  }

  /** {@code timestamp} as ISO-8601 UTC with exactly three fraction digits, e.g. {@code 2025-03-01T10:15:30.000Z}. */
  public static String formatTimestamp(Instant timestamp) {
    return TIMESTAMP.format(timestamp);
  }

  /**
   * The ECS {@code event.kind} of a Glasswatch kind: {@code event}, {@code alert} and {@code state}
   * are kept; {@code enforcement} and anything else become {@code event} (ECS allows event, alert,
   * enrichment, metric, state, pipeline_error, signal).
   */
  public static String ecsKind(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    return ECS_KINDS.contains(k) ? k : "event";
  }

  /**
   * The ECS {@code event.outcome} (success, failure, unknown) of an outcome: success, allow, allowed,
   * succeeded, ok give success; failure, deny, denied, failed, error give failure; anything else unknown.
   */
  public static String ecsOutcome(String outcome) {
    String o = outcome.toLowerCase(Locale.ROOT);
    if (SUCCESS.contains(o)) {
      return "success";
    }
    if (FAILURE.contains(o)) {
      return "failure";
    }
    return "unknown";
  }

  /**
   * The numeric ECS {@code event.severity} of an alert severity: low 21, medium 47, high 73,
   * critical 99 (the risk-score bands of Elastic Security rules); null for null or other values.
   */
  public static Long severityScore(String severity) {
    if (severity == null) {
      return null;
    }
    return switch (severity.toLowerCase(Locale.ROOT)) {
      case "low" -> 21L;
      case "medium" -> 47L;
      case "high" -> 73L;
      case "critical" -> 99L;
      default -> null;
    };
  }

  /**
   * Whether {@code text} is an IPv4 dotted quad or an IPv6 literal (no zone id), the forms an
   * Elasticsearch {@code ip} field accepts. Never resolves host names.
   */
  public static boolean isIpAddress(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    if (IPV4.matcher(text).matches()) {
      return true;
    }
    if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
      return false;
    }
    try {
      // a string containing ':' is parsed as an IPv6 literal, never looked up
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The JSON bytes (UTF-8) of a document, as sent to Elasticsearch and to the dead-letter topic.
   *
   * @throws IllegalArgumentException when the map holds a value Jackson cannot write
   */
  public static byte[] toJson(Map<String, Object> document) {
    try {
      return JSON.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write timeline document as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Object redact(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), isSecretKey(String.valueOf(k)) ? REDACTED : redact(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(redact(v)));
      return out;
    }
    return value;
  }

  /**
   * Whether a details key names a secret: the raw grant token ({@code tokenId}, {@code token}) or a
   * key ending in password, secret, or credentials (case-insensitive, '_' and '-' ignored).
   */
  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    return k.equals("tokenid") || k.equals("token") || k.endsWith("password") || k.endsWith("secret")
        || k.endsWith("secretaccesskey") || k.endsWith("sessiontoken") || k.equals("authorization");
  }

  private static void put(Map<String, Object> doc, String object, String field, Object value) {
    if (value != null) {
      Map<String, Object> inner = new LinkedHashMap<>();
      inner.put(field, value);
      doc.put(object, inner);
    }
  }

  private static void putIfPresent(Map<String, Object> map, String field, Object value) {
    if (value != null) {
      map.put(field, value);
    }
  }
}
