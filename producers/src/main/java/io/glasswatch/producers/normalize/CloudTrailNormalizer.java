package io.glasswatch.producers.normalize;

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
 * {@code eventSource}; a record without one is rejected naming it. Optional fields that do not
 * parse (a boolean that is neither true nor false) are left null: the whole record is kept in
 * {@code record}. A record without {@code eventID} gets {@code sha256:} + the first 32 hex
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
          + (timeNode.isValueNode() ? Timestamps.quote(timeNode.asText()) : Json.typeName(timeNode)));
    }
    String eventName = requiredString(rec, "eventName");
    String eventSource = requiredString(rec, "eventSource");

    JsonNode identity = Json.field(rec, "userIdentity");
    String account = Json.textAt(rec, "recipientAccountId");
    if (account == null) {
      account = Json.textAt(identity, "accountId");
    }
    if (account == null) {
      account = accountOfArn(Json.textAt(identity, "arn"));
    }
    if (account == null && fallbackAccount != null && !fallbackAccount.isBlank()) {
      account = fallbackAccount;
    }
    String userName = Json.textAt(identity, "userName");
    if (userName == null) {
      userName = Json.textAt(identity, "sessionContext", "sessionIssuer", "userName");
    }
    String mfaUsed = Json.textAt(rec, "additionalEventData", "MFAUsed");
    String eventId = Json.textAt(rec, "eventID");
    String compact = Json.compact(rec);
    if (eventId == null) {
      eventId = "sha256:" + Hashing.sha256Hex(Json.canonical(rec)).substring(0, 32);
    }
    CloudTrailEvent value = CloudTrailEvent.newBuilder()
        .setEventID(eventId)
        .setEventTime(eventTime)
        .setEventSource(eventSource)
        .setEventName(eventName)
        .setEventType(Json.textAt(rec, "eventType"))
        .setAwsRegion(Json.textAt(rec, "awsRegion"))
        .setRecipientAccountId(account)
        .setSourceIPAddress(Json.textAt(rec, "sourceIPAddress"))
        .setUserAgent(Json.textAt(rec, "userAgent"))
        .setUserIdentityType(Json.textAt(identity, "type"))
        .setUserIdentityArn(Json.textAt(identity, "arn"))
        .setUserIdentityPrincipalId(Json.textAt(identity, "principalId"))
        .setUserName(userName)
        .setInvokedBy(Json.textAt(identity, "invokedBy"))
        .setAccessKeyId(Json.textAt(identity, "accessKeyId"))
        .setMfaUsed(mfaUsed == null ? null : mfaUsed.toUpperCase(Locale.ROOT))
        .setMfaAuthenticated(lenientBoolean(Json.path(identity, "sessionContext", "attributes", "mfaAuthenticated")))
        .setConsoleLogin(Json.textAt(rec, "responseElements", "ConsoleLogin"))
        .setErrorCode(Json.textAt(rec, "errorCode"))
        .setErrorMessage(Json.textAt(rec, "errorMessage"))
        .setReadOnly(lenientBoolean(Json.field(rec, "readOnly")))
        .setRequestParametersJson(Json.compactOrNull(Json.field(rec, "requestParameters")))
        .setResponseElementsJson(Json.compactOrNull(Json.field(rec, "responseElements")))
        .setAdditionalEventDataJson(Json.compactOrNull(Json.field(rec, "additionalEventData")))
        .setRecord(compact)
        .setOrigin(src.origin())
        .build();
    return new NormalizeResult.Normalized(Topics.CLOUDTRAIL_EVENTS, account == null ? "" : account, value,
        eventTime, src.origin());
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
