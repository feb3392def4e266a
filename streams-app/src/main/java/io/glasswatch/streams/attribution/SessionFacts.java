package io.glasswatch.streams.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.state.JsonSerde;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * What one CloudTrail record says about the AWS session it belongs to (SPEC 1.6), read from the normalized
 * record. Shapes: the {@code userIdentity} element
 * (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html), the STS
 * {@code AssumeRole} and {@code AssumeRoleWithSAML} records (docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html,
 * "Example AWS STS API events in CloudTrail log") and the KMS records
 * (docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html).
 *
 * <p>Cheap by construction: {@link #of} reads only fields of the Avro record; the JSON of the request
 * parameters and response elements is parsed only for the two STS calls that open sessions, and the whole
 * record only for a KMS call of a session ({@link #kmsKey}).
 *
 * @param accessKeyId {@code userIdentity.accessKeyId} of the call (the session's credentials), or null
 * @param roleName role of an {@code assumed-role} caller ARN ({@code arn:aws:sts::<account>:assumed-role/<role>/<session>}), or null
 * @param sessionName role session name of that ARN, or null
 * @param opened for {@code AssumeRole} and {@code AssumeRoleWithSAML}: the session the call opened, else null
 */
public record SessionFacts(String accessKeyId, String roleName, String sessionName, Opened opened) {
  /** STS event source. */
  public static final String STS = "sts.amazonaws.com";
  /** KMS event source. */
  public static final String KMS = "kms.amazonaws.com";
  /** Prefix of the roles IAM Identity Center provisions for a permission set. */
  public static final String SSO_ROLE_PREFIX = "AWSReservedSSO_";

  private static final SessionFacts NONE = new SessionFacts(null, null, null, null);
  /** CloudTrail writes STS credential expirations as {@code Mar 23, 2016 2:39:51 AM} (sometimes with a comma after the year). */
  private static final List<DateTimeFormatter> EXPIRATION = List.of(
      DateTimeFormatter.ofPattern("MMM d, yyyy h:mm:ss a", Locale.US),
      DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm:ss a", Locale.US));

  /**
   * A session an STS call opened.
   *
   * @param eventName {@code AssumeRole} or {@code AssumeRoleWithSAML}
   * @param roleArn {@code requestParameters.roleArn}, or null when unreadable
   * @param roleSessionName {@code requestParameters.roleSessionName}; for SAML the session name of
   *     {@code responseElements.assumedRoleUser.arn}, else {@code userIdentity.userName}; or null
   * @param sourceIdentity {@code requestParameters.sourceIdentity}, else {@code responseElements.sourceIdentity}, or null
   * @param durationSeconds {@code requestParameters.durationSeconds}, or null when not asked
   * @param accessKeyId {@code responseElements.credentials.accessKeyId}: the key every call of the session carries, or null
   * @param expiresAt {@code responseElements.credentials.expiration}, epoch milliseconds, or null
   * @param failed whether the call failed ({@code errorCode}): no session was opened
   */
  public record Opened(String eventName, String roleArn, String roleSessionName, String sourceIdentity,
      Long durationSeconds, String accessKeyId, Long expiresAt, boolean failed) {
    /** The role name of {@link #roleArn} (the last path segment), or null. */
    public String roleName() {
      if (roleArn == null || !roleArn.contains(":role/")) {
        return null;
      }
      return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    /** The subject the session is opened for: {@link #sourceIdentity}, else the role session name. */
    public String subject() {
      return sourceIdentity != null ? sourceIdentity : roleSessionName;
    }
  }

  /** Whether the record may belong to a session at all: temporary credentials or an STS call that opens one. */
  public static boolean mayBelongToSession(CloudTrailEvent e) {
    String type = e.getUserIdentityType();
    return "AssumedRole".equals(type) || "SAMLUser".equals(type) || isOpening(e);
  }

  /** Whether {@code e} is an STS {@code AssumeRole} or {@code AssumeRoleWithSAML} record. */
  public static boolean isOpening(CloudTrailEvent e) {
    String n = e.getEventName();
    return ("AssumeRole".equals(n) || "AssumeRoleWithSAML".equals(n)) && STS.equals(e.getEventSource());
  }

  /** The session facts of {@code e}; every field null for a record of long-term or no credentials. */
  public static SessionFacts of(CloudTrailEvent e) {
    if (!mayBelongToSession(e)) {
      return NONE;
    }
    String role = null;
    String session = null;
    String arn = e.getUserIdentityArn();
    int at = arn == null ? -1 : arn.indexOf(":assumed-role/");
    if (at >= 0) {
      String rest = arn.substring(at + ":assumed-role/".length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        role = rest.substring(0, slash);
        session = rest.substring(slash + 1);
      }
    }
    return new SessionFacts(e.getAccessKeyId(), role, session, isOpening(e) ? opened(e) : null);
  }

  private static Opened opened(CloudTrailEvent e) {
    JsonNode req = parse(e.getRequestParametersJson());
    JsonNode resp = parse(e.getResponseElementsJson());
    String roleArn = text(req, "roleArn");
    String sessionName = text(req, "roleSessionName");
    String assumedArn = text(resp == null ? null : resp.get("assumedRoleUser"), "arn");
    if (sessionName == null && assumedArn != null && assumedArn.contains(":assumed-role/")) {
      sessionName = assumedArn.substring(assumedArn.lastIndexOf('/') + 1);
    }
    if (sessionName == null && "SAMLUser".equals(e.getUserIdentityType())) {
      sessionName = e.getUserName();
    }
    String source = text(req, "sourceIdentity");
    if (source == null) {
      source = text(resp, "sourceIdentity");
    }
    JsonNode duration = req == null ? null : req.get("durationSeconds");
    Long seconds = duration != null && duration.canConvertToLong() ? Long.valueOf(duration.asLong())
        : duration != null && duration.isTextual() && duration.asText().matches("\\d{1,9}") ? Long.valueOf(duration.asText())
        : null;
    JsonNode credentials = resp == null ? null : resp.get("credentials");
    return new Opened(e.getEventName(), roleArn, sessionName, source, seconds, text(credentials, "accessKeyId"),
        expiration(text(credentials, "expiration")), e.getErrorCode() != null);
  }

  /**
   * The KMS key a KMS call names: {@code requestParameters.keyId} (an id, alias or ARN), else the ARN of a
   * {@code AWS::KMS::Key} in {@code resources} (a {@code Decrypt} of symmetric ciphertext names its key only
   * there); null for other records or when neither is present.
   */
  public static String kmsKey(CloudTrailEvent e) {
    if (!KMS.equals(e.getEventSource())) {
      return null;
    }
    String key = text(parse(e.getRequestParametersJson()), "keyId");
    if (key != null) {
      return key;
    }
    JsonNode rec = parse(e.getRecord());
    JsonNode resources = rec == null ? null : rec.get("resources");
    if (resources != null && resources.isArray()) {
      for (JsonNode r : resources) {
        if ("AWS::KMS::Key".equals(text(r, "type")) && text(r, "ARN") != null) {
          return text(r, "ARN");
        }
      }
    }
    return null;
  }

  /**
   * An STS expiration as CloudTrail writes it ({@code Mar 23, 2016 2:39:51 AM}, UTC) or ISO-8601; null when
   * absent or unreadable.
   */
  static Long expiration(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException e) {
      // the CloudTrail form below
    }
    for (DateTimeFormatter f : EXPIRATION) {
      try {
        return LocalDateTime.parse(s.trim(), f).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e) {
        // next form
      }
    }
    return null;
  }

  private static JsonNode parse(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      JsonNode n = JsonSerde.mapper().readTree(json);
      return n != null && n.isObject() ? n : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null; // the normalizer reported the field; the record is judged from what can be read
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v != null && v.isValueNode() && !v.asText().isBlank() ? v.asText() : null;
  }
}
