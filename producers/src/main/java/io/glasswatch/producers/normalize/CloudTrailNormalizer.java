package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.Timestamps;

import io.glasswatch.producers.normalize.core.SourceRef;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import io.glasswatch.producers.normalize.core.Secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Normalizes one CloudTrail record into {@link CloudTrailEvent}. Field names follow the CloudTrail
 * record contents reference
 * (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
 * and are matched ignoring case, so records whose keys a data lake lower-cased ({@code eventname},
 * {@code useridentity}) normalize the same.
 *
 * <p>Required: {@code eventTime} (an AWS timestamp, {@link Timestamps#parseAws}; when absent, the
 * {@code p_event_time} that Panther's data lake stores beside lower-cased records), {@code eventName},
 * {@code eventSource}; a record without one is rejected naming it.
 *
 * <p>Fail closed on wrong types (SPEC 5): an optional field of the wrong type (an object given as a
 * string or a number, a string given as an object, a boolean that is neither true nor false) does
 * not reject the record and does not read as absent in silence. The record is kept, every such field
 * is listed in {@code validationErrors} ({@code <field>: expected ..., got ...}), which the readers
 * report with file and line ({@link NormalizeResult.Normalized#validationReports()}), and the record
 * is judged from what can be read; an unreadable {@code ConsoleLogin} outcome is judged
 * {@code Success} (see {@code consoleLogin}). The whole record is kept in {@code record}. A record without {@code eventID} gets {@code sha256:} + the first 32 hex
 * characters of the SHA-256 of its canonical JSON (sorted keys), so re-delivery keeps the same id.
 * The account is {@code recipientAccountId}, else {@code userIdentity.accountId}, else the account
 * of {@code userIdentity.arn}, else the EventBridge envelope's {@code account}; it is the record key
 * (empty when none is known).
 */
final class CloudTrailNormalizer {
  /** Panther's data-lake copy of the event time, used when a record has no eventTime. */
  static final String PANTHER_EVENT_TIME = "p_event_time";
  private static final String[] MARKERS = {"eventTime", "eventName", "eventSource", "eventVersion", "eventID"};

  private CloudTrailNormalizer() {}

  /** Whether {@code obj} looks like a CloudTrail record: it has eventTime, eventName, eventSource, eventVersion or eventID. */
  static boolean looksLikeRecord(JsonNode obj) {
    for (String m : MARKERS) {
      if (Json.has(obj, m)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code obj} is a CloudTrail digest file: {@code digestStartTime} with {@code logFiles} or
   * {@code previousDigestSignature}
   * (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html).
   */
  static boolean isDigest(JsonNode obj) {
    return Json.has(obj, "digestStartTime")
        && (Json.has(obj, "logFiles") || Json.has(obj, "previousDigestSignature"));
  }

  /**
   * Normalizes one record.
   *
   * @param rec the record object
   * @param src where it was read
   * @param fallbackAccount account to use when the record names none (the EventBridge envelope's
   *     {@code account}), or null
   * @throws InvalidInput naming the missing or invalid field
   */
  static NormalizeResult.Normalized normalize(JsonNode rec, SourceRef src, String fallbackAccount)
      throws InvalidInput {
    if (!rec.isObject()) {
      throw new InvalidInput(null, "cloudtrail: a record must be a JSON object, got " + Json.typeName(rec));
    }
    String timeField = "eventTime";
    JsonNode timeNode = Json.field(rec, timeField);
    if (blank(timeNode) && !blank(Json.field(rec, PANTHER_EVENT_TIME))) {
      timeField = PANTHER_EVENT_TIME;
      timeNode = Json.field(rec, timeField);
    }
    if (blank(timeNode)) {
      throw missing("eventTime");
    }
    Instant eventTime;
    try {
      eventTime = Timestamps.parseAws(timeNode);
    } catch (DateTimeParseException e) {
      throw new InvalidInput(timeField, "cloudtrail: invalid timestamp in field " + timeField + ": "
          + (timeNode.isValueNode() ? Timestamps.quote(timeNode.asText()) : Json.typeName(timeNode))
          + Timestamps.rangeNote(e));
    }
    String eventName = requiredString(rec, "eventName");
    String eventSource = requiredString(rec, "eventSource");

    Typed t = new Typed();
    JsonNode identity = t.object(rec, "userIdentity");
    JsonNode sessionContext = t.object(identity, "userIdentity.", "sessionContext");
    JsonNode attributes = t.object(sessionContext, "userIdentity.sessionContext.", "attributes");
    JsonNode issuer = t.object(sessionContext, "userIdentity.sessionContext.", "sessionIssuer");
    JsonNode response = t.object(rec, "responseElements");
    JsonNode additional = t.object(rec, "additionalEventData");
    t.object(rec, "requestParameters");
    String account = t.text(rec, "", "recipientAccountId");
    if (account == null) {
      account = t.text(identity, "userIdentity.", "accountId");
    }
    String arn = t.text(identity, "userIdentity.", "arn");
    if (account == null) {
      account = accountOfArn(arn);
    }
    if (account == null && fallbackAccount != null && !fallbackAccount.isBlank()) {
      account = fallbackAccount;
    }
    String userName = t.text(identity, "userIdentity.", "userName");
    if (userName == null) {
      userName = t.text(issuer, "userIdentity.sessionContext.sessionIssuer.", "userName");
    }
    String mfaUsed = t.text(additional, "additionalEventData.", "MFAUsed");
    String eventId = t.text(rec, "", "eventID");
    String errorCode = t.text(rec, "", "errorCode");
    String consoleLogin = consoleLogin(eventName, errorCode, response, t);
    // an STS response carries the session token of the credentials it issued: never kept
    String compact = response != null && Secrets.containsSecret(response) ? Json.compact(Secrets.redact(rec))
        : Json.compact(rec);
    if (eventId == null) {
      eventId = "sha256:" + Hashing.sha256Hex(Json.canonical(rec)).substring(0, 32);
    }
    CloudTrailEvent value = CloudTrailEvent.newBuilder()
        .setEventID(eventId)
        .setEventTime(eventTime)
        .setEventSource(eventSource)
        .setEventName(eventName)
        .setEventType(t.text(rec, "", "eventType"))
        .setAwsRegion(t.text(rec, "", "awsRegion"))
        .setRecipientAccountId(account)
        .setSourceIPAddress(t.text(rec, "", "sourceIPAddress"))
        .setUserAgent(t.text(rec, "", "userAgent"))
        .setUserIdentityType(t.text(identity, "userIdentity.", "type"))
        .setUserIdentityArn(arn)
        .setUserIdentityPrincipalId(t.text(identity, "userIdentity.", "principalId"))
        .setUserName(userName)
        .setInvokedBy(t.text(identity, "userIdentity.", "invokedBy"))
        .setAccessKeyId(t.text(identity, "userIdentity.", "accessKeyId"))
        .setMfaUsed(mfaUsed == null ? null : mfaUsed.toUpperCase(Locale.ROOT))
        .setMfaAuthenticated(t.bool(attributes, "userIdentity.sessionContext.attributes.", "mfaAuthenticated"))
        .setConsoleLogin(consoleLogin)
        .setErrorCode(errorCode)
        .setErrorMessage(t.text(rec, "", "errorMessage"))
        .setReadOnly(t.bool(rec, "", "readOnly"))
        .setRequestParametersJson(Json.compactOrNull(Json.field(rec, "requestParameters")))
        .setResponseElementsJson(Json.compactOrNull(redacted(Json.field(rec, "responseElements"))))
        .setAdditionalEventDataJson(Json.compactOrNull(Json.field(rec, "additionalEventData")))
        .setRecord(compact)
        .setOrigin(src.origin())
        .setSessionIssuerArn(t.text(issuer, "userIdentity.sessionContext.sessionIssuer.", "arn"))
        .setSessionCreationDate(creationDate(attributes, t))
        .setSourceIdentity(t.text(sessionContext, "userIdentity.sessionContext.", "sourceIdentity"))
        .setValidationErrors(t.problems)
        .build();
    return new NormalizeResult.Normalized(Topics.CLOUDTRAIL_EVENTS, account == null ? "" : account, value,
        eventTime, src.origin());
  }

  /** {@code node} with every secret field's value replaced ({@link Secrets#redact}); null stays null. */
  private static JsonNode redacted(JsonNode node) {
    return node != null && Secrets.containsSecret(node) ? Secrets.redact(node) : node;
  }

  /**
   * {@code userIdentity.sessionContext.attributes.creationDate} (an AWS timestamp), or null when absent; an
   * unreadable value is recorded as a validation error and reads as null.
   */
  private static Instant creationDate(JsonNode attributes, Typed t) {
    String field = "userIdentity.sessionContext.attributes.creationDate";
    JsonNode v = Json.field(attributes, "creationDate");
    if (blank(v)) {
      return null;
    }
    try {
      return Timestamps.parseAws(v);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      // the basic form of the CloudTrail userIdentity reference's examples, 20131102T010628Z
      if (v.isTextual() && v.asText().matches("\\d{8}T\\d{6}Z")) {
        return java.time.LocalDateTime.parse(v.asText(), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
            .toInstant(java.time.ZoneOffset.UTC);
      }
      t.problems.add(field + ": expected a timestamp, got "
          + (v.isValueNode() ? Timestamps.quote(v.asText()) : Json.typeName(v)));
      return null;
    }
  }

  /**
   * The sign-in outcome of a {@code ConsoleLogin}: {@code responseElements.ConsoleLogin} when it reads
   * Success or Failure. A ConsoleLogin without an {@code errorCode} whose outcome cannot be read (the
   * field absent, of the wrong type, or another word; {@code responseElements} not an object) is
   * judged {@code Success}, the outcome under which the sign-in rules look at it, and the judgement
   * is recorded as a validation error: an unreadable outcome must never read as "no sign-in".
   * Other events: the field as read, or null.
   */
  private static String consoleLogin(String eventName, String errorCode, JsonNode response, Typed t) {
    String field = "responseElements.ConsoleLogin";
    JsonNode v = Json.field(response, "ConsoleLogin");
    if (!"ConsoleLogin".equals(eventName)) {
      return t.text(response, "responseElements.", "ConsoleLogin");
    }
    if (v != null && v.isTextual()
        && (v.asText().equalsIgnoreCase("Success") || v.asText().equalsIgnoreCase("Failure"))) {
      return v.asText();
    }
    if (errorCode != null) {
      return Json.text(v);
    }
    String got = v == null ? (t.unreadable.contains("responseElements") ? "responseElements unreadable" : "absent")
        : v.isTextual() ? Timestamps.quote(v.asText()) : Json.typeName(v);
    t.problems.add(field + ": sign-in outcome unreadable (" + got + "); judged Success (fail closed)");
    return "Success";
  }

  /**
   * Reads fields as their documented type and records every field that is not: a validation error
   * ({@code <field>: expected ..., got ...}) kept with the record instead of reading as absent. An
   * object given as a string that holds a JSON object (as some exports stringify nested fields) is
   * read from the string, and that too is recorded.
   */
  private static final class Typed {
    final java.util.List<String> problems = new java.util.ArrayList<>();
    final java.util.Set<String> unreadable = new java.util.HashSet<>();

    JsonNode object(JsonNode rec, String name) {
      return object(rec, "", name);
    }

    JsonNode object(JsonNode parent, String prefix, String name) {
      JsonNode v = Json.field(parent, name);
      if (v == null || v.isObject()) {
        return v;
      }
      String path = prefix + name;
      if (v.isTextual()) {
        String s = v.asText().trim();
        if (s.startsWith("{") && s.length() <= 1 << 20) {
          try {
            JsonNode parsed = Json.MAPPER.readTree(s);
            if (parsed != null && parsed.isObject()) {
              problems.add(path + ": expected an object, got a string holding JSON; read from the string");
              return parsed;
            }
          } catch (java.io.IOException | RuntimeException e) {
            // not JSON: reported below
          }
        }
      }
      problems.add(path + ": expected an object, got " + Json.typeName(v));
      unreadable.add(path);
      return null;
    }

    String text(JsonNode parent, String prefix, String name) {
      JsonNode v = Json.field(parent, name);
      if (v != null && !v.isValueNode()) {
        problems.add(prefix + name + ": expected a string, got " + Json.typeName(v));
        return null;
      }
      String s = Json.text(v);
      return s == null || s.isBlank() ? null : s;
    }

    Boolean bool(JsonNode parent, String prefix, String name) {
      JsonNode v = Json.field(parent, name);
      Boolean b = lenientBoolean(v);
      if (v != null && b == null) {
        problems.add(prefix + name + ": expected true or false, got "
            + (v.isValueNode() ? Timestamps.quote(v.asText()) : Json.typeName(v)));
      }
      return b;
    }
  }

  private static boolean blank(JsonNode n) {
    return n == null || n.isTextual() && n.asText().isBlank();
  }

  private static InvalidInput missing(String field) {
    return new InvalidInput(field, "cloudtrail: missing required field " + field);
  }

  private static String requiredString(JsonNode rec, String field) throws InvalidInput {
    JsonNode v = Json.field(rec, field);
    if (v == null || v.isTextual() && v.asText().isBlank()) {
      throw missing(field);
    }
    if (!v.isTextual()) {
      throw new InvalidInput(field, "cloudtrail: field " + field + " must be a string, got " + Json.typeName(v));
    }
    return v.asText();
  }

  /** true/false as a JSON boolean or the strings "true"/"false" (any case); anything else is null. */
  static Boolean lenientBoolean(JsonNode v) {
    if (v == null) {
      return null;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual()) {
      String s = v.asText().trim();
      if (s.equalsIgnoreCase("true")) {
        return Boolean.TRUE;
      }
      if (s.equalsIgnoreCase("false")) {
        return Boolean.FALSE;
      }
    }
    return null;
  }

  /** The account field (5th) of an ARN such as {@code arn:aws:iam::123456789012:root}, or null. */
  static String accountOfArn(String arn) {
    if (arn == null || !arn.startsWith("arn:")) {
      return null;
    }
    String[] parts = arn.split(":", 6);
    return parts.length >= 6 && !parts[4].isBlank() ? parts[4].trim() : null;
  }
}
