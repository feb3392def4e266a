package io.glasswatch.streams.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the shared evaluation corpus ({@code shared/corpus}, see its README for sources and licences)
 * and turns its CloudTrail records into {@link CloudTrailEvent}s, filling only the fields the topology
 * reads. The producers module owns the real normalizer; this helper exists so detection can be tested
 * on real records.
 *
 * <p>The corpus directory is the system property {@code glasswatch.corpus.dir}, else the nearest
 * {@code shared/corpus} above the working directory.
 */
public final class Corpus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Corpus() {}

  /** The corpus directory. */
  public static Path directory() {
    String configured = System.getProperty("glasswatch.corpus.dir");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("corpus");
      if (Files.isRegularFile(candidate.resolve("README.md"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("corpus not found: set -Dglasswatch.corpus.dir to the shared/corpus directory");
  }

  /** The {@code event} of every row of {@code file} (rows without an object event are skipped). */
  public static List<JsonNode> events(String file) {
    List<JsonNode> events = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(directory().resolve(file))) {
        if (!line.isBlank()) {
          JsonNode event = JSON.readTree(line).path("event");
          if (event.isObject()) {
            events.add(event);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return events;
  }

  /** Every row of {@code file} (the corpus record: source, rule, case, expected, event, ...). */
  public static List<JsonNode> rows(String file) {
    List<JsonNode> rows = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(directory().resolve(file))) {
        if (!line.isBlank()) {
          rows.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /**
   * Whether a CloudTrail record has an {@code eventTime} that parses (ISO-8601 or the data-lake form).
   * A record without one cannot be normalized: the producers reject it (see {@code CloudTrailNormalizer}).
   */
  public static boolean hasEventTime(JsonNode record) {
    String time = text(record, "eventTime");
    if (time == null) {
      return false;
    }
    try {
      parseTime(time);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /**
   * A CloudTrail record as a {@link CloudTrailEvent}.
   *
   * @param record the record (keys in published or lower case)
   * @param eventId the eventID to use (corpus ids are often placeholders), or null for the record's own,
   *     else {@code sha256:<32 hex>} of the record
   * @param fallbackTime event time when the record has none or one that does not parse (e.g. {@code "..."})
   * @param fallbackAccount account when the record names none
   */
  public static CloudTrailEvent cloudTrail(JsonNode record, String eventId, Instant fallbackTime,
      String fallbackAccount) {
    JsonNode identity = field(record, "userIdentity");
    JsonNode additional = field(record, "additionalEventData");
    JsonNode response = field(record, "responseElements");
    String id = eventId != null ? eventId : text(record, "eventID");
    if (id == null) {
      id = "sha256:" + Hashing.sha256Hex(record.toString()).substring(0, 32);
    }
    String time = text(record, "eventTime");
    String account = text(record, "recipientAccountId");
    if (account == null) {
      account = text(identity, "accountId");
    }
    String mfa = text(additional, "MFAUsed");
    JsonNode readOnly = field(record, "readOnly");
    JsonNode mfaAuth = identity.path("sessionContext").path("attributes").path("mfaAuthenticated");
    return CloudTrailEvent.newBuilder()
        .setEventID(id)
        .setEventTime(time == null || !hasEventTime(record) ? java.util.Objects.requireNonNull(fallbackTime,
            "the record has no event time that parses and no fallback was given") : parseTime(time))
        .setEventSource(orElse(text(record, "eventSource"), "unknown"))
        .setEventName(orElse(text(record, "eventName"), "unknown"))
        .setEventType(text(record, "eventType"))
        .setAwsRegion(text(record, "awsRegion"))
        .setRecipientAccountId(orElse(account, fallbackAccount))
        .setSourceIPAddress(text(record, "sourceIPAddress"))
        .setUserAgent(text(record, "userAgent"))
        .setUserIdentityType(text(identity, "type"))
        .setUserIdentityArn(text(identity, "arn"))
        .setUserIdentityPrincipalId(text(identity, "principalId"))
        .setUserName(text(identity, "userName"))
        .setInvokedBy(text(identity, "invokedBy"))
        .setAccessKeyId(text(identity, "accessKeyId"))
        .setMfaUsed(mfa == null ? null : mfa.toUpperCase(Locale.ROOT))
        .setMfaAuthenticated(mfaAuth.isMissingNode() || mfaAuth.isNull() ? null : Boolean.valueOf(mfaAuth.asText()))
        .setConsoleLogin(text(response, "ConsoleLogin"))
        .setErrorCode(text(record, "errorCode"))
        .setErrorMessage(text(record, "errorMessage"))
        .setReadOnly(readOnly.isMissingNode() || readOnly.isNull() ? null : Boolean.valueOf(readOnly.asText()))
        .setRequestParametersJson(json(field(record, "requestParameters")))
        .setResponseElementsJson(json(response))
        .setAdditionalEventDataJson(json(additional))
        .setRecord(record.toString())
        .setOrigin("corpus")
        .build();
  }

  /** ISO-8601 UTC, also in the data-lake form {@code 2025-01-21 17:49:47.000000000} (space, no zone). */
  static Instant parseTime(String time) {
    String t = time.trim().replace(' ', 'T');
    if (!t.endsWith("Z") && !t.matches(".*[+-]\\d\\d:\\d\\d$")) {
      t = t + "Z";
    }
    return java.time.OffsetDateTime.parse(t).toInstant();
  }

  /** Field {@code name} of {@code node}, matched case-insensitively; a missing node if absent. */
  public static JsonNode field(JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    JsonNode exact = node.get(name);
    if (exact != null) {
      return exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String text(JsonNode node, String name) {
    JsonNode v = field(node, name);
    return v.isMissingNode() || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  private static String json(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.toString();
  }

  private static String orElse(String v, String fallback) {
    return v == null || v.isBlank() ? fallback : v;
  }
}
