package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.Timestamps;

import io.glasswatch.producers.normalize.core.SourceRef;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Normalizes one Amazon GuardDuty finding into {@link GuardDutyFinding}. The finding may be camelCase
 * (EventBridge {@code detail}, S3 export, the GuardDuty REST wire format) or PascalCase (AWS CLI
 * GetFindings output): names are matched ignoring case, and {@code finding} keeps the JSON as
 * received. Shape: docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html.
 *
 * <p>Required: {@code id}, {@code type}, {@code severity} (a number, or a numeric string),
 * {@code accountId}, and an event time: {@code service.eventLastSeen}, else {@code updatedAt}, else
 * {@code createdAt}; the first of these present must parse ({@link Timestamps#parseAws}). Other
 * timestamps that do not parse are left null (the finding JSON keeps them). {@code sample} is true
 * when {@code service.additionalInfo.sample} is true or the string "true".
 */
final class GuardDutyNormalizer {
  private GuardDutyNormalizer() {}

  /**
   * Whether {@code obj} looks like a finding: a {@code type} containing ':' together with
   * {@code schemaVersion}, {@code service} or {@code resource}; or {@code accountId}, {@code severity}
   * and {@code type} together.
   */
  static boolean looksLikeFinding(JsonNode obj) {
    String type = Json.textAt(obj, "type");
    if (type != null && type.indexOf(':') > 0
        && (Json.has(obj, "schemaVersion") || Json.has(obj, "service") || Json.has(obj, "resource"))) {
      return true;
    }
    return type != null && Json.has(obj, "accountId") && Json.has(obj, "severity");
  }

  /**
   * Normalizes one finding.
   *
   * @throws InvalidInput naming the missing or invalid field
   */
  static NormalizeResult.Normalized normalize(JsonNode f, SourceRef src) throws InvalidInput {
    if (!f.isObject()) {
      throw new InvalidInput(null, "guardduty: a finding must be a JSON object, got " + Json.typeName(f));
    }
    String id = required(f, "id");
    String type = required(f, "type");
    double severity = severity(f);
    String accountId = required(f, "accountId");
    JsonNode service = Json.field(f, "service");
    Instant lastSeen = null;
    Instant eventTime = null;
    String[][] candidates = {{"service", "eventLastSeen"}, {"updatedAt"}, {"createdAt"}};
    for (String[] path : candidates) {
      JsonNode n = Json.path(f, path);
      if (n != null && !(n.isTextual() && n.asText().isBlank())) {
        String name = String.join(".", path);
        try {
          eventTime = Timestamps.parseAws(n);
        } catch (DateTimeParseException e) {
          throw new InvalidInput(name, "guardduty: invalid timestamp in field " + name + ": "
              + (n.isValueNode() ? Timestamps.quote(n.asText()) : Json.typeName(n)) + Timestamps.rangeNote(e));
        }
        if (path.length == 2) {
          lastSeen = eventTime;
        }
        break;
      }
    }
    if (eventTime == null) {
      throw new InvalidInput("service.eventLastSeen",
          "guardduty: missing required field service.eventLastSeen (nor updatedAt or createdAt)");
    }
    JsonNode accessKey = Json.path(f, "resource", "accessKeyDetails");
    JsonNode apiCall = Json.path(service, "action", "awsApiCallAction");
    GuardDutyFinding value = GuardDutyFinding.newBuilder()
        .setId(id)
        .setType(type)
        .setSeverity(severity)
        .setAccountId(accountId)
        .setRegion(Json.textAt(f, "region"))
        .setCreatedAt(lenientTime(Json.field(f, "createdAt")))
        .setUpdatedAt(lenientTime(Json.field(f, "updatedAt")))
        .setEventFirstSeen(lenientTime(Json.field(service, "eventFirstSeen")))
        .setEventLastSeen(lastSeen)
        .setTitle(Json.textAt(f, "title"))
        .setDescription(Json.textAt(f, "description"))
        .setSample(Boolean.TRUE.equals(CloudTrailNormalizer.lenientBoolean(
            Json.path(service, "additionalInfo", "sample"))))
        .setResourceType(Json.textAt(f, "resource", "resourceType"))
        .setAccessKeyUserType(Json.textAt(accessKey, "userType"))
        .setAccessKeyUserName(Json.textAt(accessKey, "userName"))
        .setAccessKeyPrincipalId(Json.textAt(accessKey, "principalId"))
        .setAccessKeyId(Json.textAt(accessKey, "accessKeyId"))
        .setApi(Json.textAt(apiCall, "api"))
        .setServiceName(Json.textAt(apiCall, "serviceName"))
        .setCallerType(Json.textAt(apiCall, "callerType"))
        .setRemoteIp(Json.textAt(apiCall, "remoteIpDetails", "ipAddressV4"))
        .setFinding(Json.compact(f))
        .setOrigin(src.origin())
        .build();
    return new NormalizeResult.Normalized(Topics.GUARDDUTY_FINDINGS, accountId, value, eventTime,
        src.origin());
  }

  private static String required(JsonNode f, String field) throws InvalidInput {
    JsonNode v = Json.field(f, field);
    if (v == null || v.isTextual() && v.asText().isBlank()) {
      throw new InvalidInput(field, "guardduty: missing required field " + field);
    }
    if (!v.isValueNode()) {
      throw new InvalidInput(field, "guardduty: field " + field + " must be a string, got " + Json.typeName(v));
    }
    return v.asText();
  }

  private static double severity(JsonNode f) throws InvalidInput {
    JsonNode v = Json.field(f, "severity");
    if (v == null) {
      throw new InvalidInput("severity", "guardduty: missing required field severity");
    }
    double d = Double.NaN;
    if (v.isNumber()) {
      d = v.asDouble();
    } else if (v.isTextual()) {
      try {
        d = Double.parseDouble(v.asText().trim());
      } catch (NumberFormatException e) {
        d = Double.NaN;
      }
    }
    if (!Double.isFinite(d) || d < 0) {
      throw new InvalidInput("severity", "guardduty: field severity must be a non-negative number, got "
          + (v.isValueNode() ? Timestamps.quote(v.asText()) : Json.typeName(v)));
    }
    return d;
  }

  private static Instant lenientTime(JsonNode n) {
    if (n == null) {
      return null;
    }
    try {
      return Timestamps.parseAws(n);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
