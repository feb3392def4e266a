package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.Secrets;

import io.glasswatch.producers.normalize.core.Timestamps;

import io.glasswatch.producers.normalize.core.SourceRef;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Normalizes the authorization gateway's own events (SPEC 1.1: request, approval, grant, usage,
 * expiry, rotation) and break-glass root declarations (the root-login runbook's audit row) into
 * {@link GatewayEvent}.
 *
 * <p>Rules: required fields per type are checked in the SPEC table's order and the first missing or
 * invalid one is named ({@code approval: missing required field approverAcr}); field names are
 * matched exactly (it is Glasswatch's own contract). Timestamps are ISO-8601 with a zone
 * ({@link Timestamps#parseGateway}). Defaults: request {@code scope} {@code ["break_glass:elevated"]}
 * and {@code kind} {@code jit}; grant {@code singleUse} true. Enumerations are checked
 * case-insensitively and stored lower-case: usage {@code outcome} allow/deny, expiry {@code reason}
 * ttl_elapsed/consumed/revoked, request {@code kind} jit/root. A top-level {@code accountId} is kept
 * for every type (for a grant without one, {@code assignment.accountId}). Fields the type does not
 * define go to {@code extraJson} with secret-named values redacted ({@link Secrets}).
 *
 * <p>The raw {@code tokenId} never leaves this class: it becomes
 * {@code tokenFingerprint = Hashing.tokenFingerprint(tokenId)}, and {@code sourceDigest} is the
 * SHA-256 of the canonical input JSON (sorted keys) with the token replaced by
 * {@code sha256:<fingerprint>}.
 */
final class GatewayNormalizer {
  /** Gateway event types of SPEC 1.1. */
  static final Set<String> TYPES = Set.of("request", "approval", "grant", "usage", "expiry", "rotation");
  /** Type of a normalized break-glass root declaration. */
  static final String ROOT_DECLARATION = "root_declaration";
  /** The declaration's action value. */
  static final String ROOT_LOGIN_ACTION = "break_glass_root_login";
  /** The declaration's actor role value. */
  static final String ROOT_ROLE = "break_glass_root";

  private static final List<String> DEFAULT_SCOPE = List.of("break_glass:elevated");
  private static final Set<String> TIME_FIELDS = Set.of("timestamp", "expiresAt");

  private static final Map<String, List<String>> REQUIRED = Map.of(
      "request", List.of("requestId", "subject", "justification", "ticketId", "accountId", "timestamp"),
      "approval", List.of("requestId", "approver", "approverAcr", "approverRole", "timestamp"),
      "grant", List.of("requestId", "tokenId", "expiresAt", "timestamp"),
      "usage", List.of("requestId", "tokenId", "subject", "resource", "action", "outcome", "timestamp"),
      "expiry", List.of("requestId", "reason", "timestamp"),
      "rotation", List.of("accountId", "credential", "timestamp"));

  private static final Map<String, List<String>> OPTIONAL = Map.of(
      "request", List.of("scope", "tenant", "permissionSetArn", "requestedDurationSeconds", "kind"),
      "approval", List.of("comment", "accountId"),
      "grant", List.of("singleUse", "assignment", "accountId"),
      "usage", List.of("tenant", "scope", "accountId"),
      "expiry", List.of("accountId"),
      "rotation", List.of("requestId", "actor"));

  /** Every field each type defines (required, optional, and type itself); the rest is extraJson. */
  private static final Map<String, Set<String>> KNOWN = known();

  private static Map<String, Set<String>> known() {
    Map<String, Set<String>> m = new java.util.HashMap<>();
    for (String t : TYPES) {
      Set<String> k = new HashSet<>(REQUIRED.get(t));
      k.addAll(OPTIONAL.get(t));
      k.add("type");
      m.put(t, Set.copyOf(k));
    }
    return Map.copyOf(m);
  }

  private static final List<String> ROOT_REQUIRED =
      List.of("timestamp", "actor_id", "action", "resource_type", "resource_id");
  private static final Set<String> ROOT_KNOWN = Set.of("timestamp", "actor_id", "actor_role", "action",
      "resource_type", "resource_id", "ip_address", "user_agent", "result", "metadata");
  private static final Set<String> ROOT_METADATA_KNOWN =
      Set.of("reason", "incident_channel", "expected_session_duration_minutes", "requestId");
  private static final List<String> ASSIGNMENT_FIELDS =
      List.of("instanceArn", "accountId", "permissionSetArn", "principalType", "principalId");

  private GatewayNormalizer() {}

  /** Whether {@code obj} is a gateway event: a {@code type} of SPEC 1.1. */
  static boolean isGatewayEvent(JsonNode obj) {
    JsonNode t = obj.get("type");
    return t != null && t.isTextual() && TYPES.contains(t.asText());
  }

  /**
   * Whether {@code obj} looks like a gateway event of an unknown type: a string {@code type}
   * without ':' (GuardDuty types have one) next to a {@code requestId}, {@code tokenId} or
   * {@code timestamp}.
   */
  static boolean looksLikeUnknownGatewayType(JsonNode obj) {
    JsonNode t = obj.get("type");
    return t != null && t.isTextual() && t.asText().indexOf(':') < 0
        && (obj.has("requestId") || obj.has("tokenId") || obj.has("timestamp"));
  }

  /** Whether {@code obj} is a break-glass root declaration (runbook audit row). */
  static boolean isRootDeclaration(JsonNode obj) {
    return ROOT_LOGIN_ACTION.equals(Json.text(obj.get("action")))
        || ROOT_ROLE.equals(Json.text(obj.get("actor_role")));
  }

  /** Rejects a gateway event of an unknown type, naming the type. */
  static InvalidInput unknownType(JsonNode obj) {
    return new InvalidInput("type", "gateway: unknown event type " + Timestamps.quote(obj.get("type").asText())
        + " (expected request, approval, grant, usage, expiry or rotation)");
  }

  /**
   * Normalizes a gateway event ({@link #isGatewayEvent} is true).
   *
   * @throws InvalidInput naming the first missing or invalid field
   */
  static NormalizeResult.Normalized normalize(JsonNode obj, SourceRef src) throws InvalidInput {
    String type = obj.get("type").asText();
    Fields f = new Fields(obj, type);
    for (String name : REQUIRED.get(type)) {
      f.require(name);
    }
    Instant timestamp = f.time("timestamp");
    GatewayEvent.Builder b = GatewayEvent.newBuilder()
        .setType(type)
        .setTimestamp(timestamp)
        .setRequestId(f.string("requestId"))
        .setAccountId(f.string("accountId"))
        .setOrigin(src.origin());
    Set<String> known = KNOWN.get(type);
    switch (type) {
      case "request" -> {
        List<String> scope = f.scope();
        b.setSubject(f.string("subject"))
            .setJustification(f.string("justification"))
            .setTicketId(f.string("ticketId"))
            .setScope(scope == null ? DEFAULT_SCOPE : scope)
            .setTenant(f.string("tenant"))
            .setPermissionSetArn(f.string("permissionSetArn"))
            .setRequestedDurationSeconds(f.nonNegativeLong("requestedDurationSeconds"))
            .setKind(f.oneOf("kind", "jit", "jit", "root"));
      }
      case "approval" -> b.setApprover(f.string("approver"))
          .setApproverAcr(f.string("approverAcr"))
          .setApproverRole(f.string("approverRole"))
          .setComment(f.string("comment"));
      case "grant" -> {
        AccountAssignment assignment = f.assignment();
        Boolean singleUse = f.bool("singleUse");
        b.setTokenFingerprint(Hashing.tokenFingerprint(f.string("tokenId")))
            .setExpiresAt(f.time("expiresAt"))
            .setSingleUse(singleUse == null ? Boolean.TRUE : singleUse)
            .setAssignment(assignment);
        if (b.getAccountId() == null && assignment != null) {
          b.setAccountId(assignment.getAccountId());
        }
      }
      case "usage" -> b.setTokenFingerprint(Hashing.tokenFingerprint(f.string("tokenId")))
          .setSubject(f.string("subject"))
          .setResource(f.string("resource"))
          .setAction(f.string("action"))
          .setOutcome(f.oneOf("outcome", null, "allow", "deny"))
          .setTenant(f.string("tenant"))
          .setScope(f.scope());
      case "expiry" -> b.setReason(f.oneOf("reason", null, "ttl_elapsed", "consumed", "revoked"));
      case "rotation" -> b.setCredential(f.string("credential"))
          .setActor(f.string("actor"));
      default -> throw new IllegalStateException("unhandled gateway type " + type);
    }
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      if (!known.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    }
    b.setExtraJson(extra.isEmpty() ? null : Json.compact(Secrets.redact(extra)));
    b.setSourceDigest(sourceDigest(obj));
    String key = b.getRequestId() != null ? b.getRequestId() : b.getAccountId();
    return new NormalizeResult.Normalized(Topics.GATEWAY_EVENTS, key, b.build(), timestamp, src.origin());
  }

  /**
   * Normalizes a break-glass root declaration ({@link #isRootDeclaration} is true) into a
   * {@code root_declaration} event: accountId = resource_id, requestId = metadata.requestId,
   * actor = actor_id, actorRole = actor_role, action, outcome = result, sourceIp = ip_address,
   * userAgent = user_agent, reason = metadata.reason, incidentChannel = metadata.incident_channel,
   * expectedSessionDurationMinutes = metadata.expected_session_duration_minutes.
   *
   * @throws InvalidInput naming the first missing or invalid field
   */
  static NormalizeResult.Normalized normalizeRootDeclaration(JsonNode obj, SourceRef src)
      throws InvalidInput {
    Fields f = new Fields(obj, ROOT_DECLARATION);
    for (String name : ROOT_REQUIRED) {
      f.require(name);
    }
    Instant timestamp = f.time("timestamp");
    f.oneOf("action", null, ROOT_LOGIN_ACTION);
    f.oneOf("resource_type", null, "aws_account");
    JsonNode metadata = obj.get("metadata");
    Fields m;
    if (metadata == null || metadata.isNull()) {
      m = new Fields(JsonNodeFactory.instance.objectNode(), ROOT_DECLARATION, "metadata.");
    } else if (metadata.isObject()) {
      m = new Fields(metadata, ROOT_DECLARATION, "metadata.");
    } else {
      throw new InvalidInput("metadata", ROOT_DECLARATION + ": field metadata must be an object, got "
          + Json.typeName(metadata));
    }
    String accountId = f.string("resource_id");
    GatewayEvent.Builder b = GatewayEvent.newBuilder()
        .setType(ROOT_DECLARATION)
        .setTimestamp(timestamp)
        .setAccountId(accountId)
        .setRequestId(m.string("requestId"))
        .setActor(f.string("actor_id"))
        .setActorRole(f.string("actor_role"))
        .setAction(f.string("action"))
        .setOutcome(f.string("result"))
        .setSourceIp(f.string("ip_address"))
        .setUserAgent(f.string("user_agent"))
        .setReason(m.string("reason"))
        .setIncidentChannel(m.string("incident_channel"))
        .setExpectedSessionDurationMinutes(m.nonNegativeLong("expected_session_duration_minutes"))
        .setOrigin(src.origin());
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      if (!ROOT_KNOWN.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    }
    if (metadata != null && metadata.isObject()) {
      ObjectNode extraMeta = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : metadata.properties()) {
        if (!ROOT_METADATA_KNOWN.contains(e.getKey())) {
          extraMeta.set(e.getKey(), e.getValue());
        }
      }
      if (!extraMeta.isEmpty()) {
        extra.set("metadata", extraMeta);
      }
    }
    b.setExtraJson(extra.isEmpty() ? null : Json.compact(Secrets.redact(extra)));
    b.setSourceDigest(sourceDigest(obj));
    return new NormalizeResult.Normalized(Topics.GATEWAY_EVENTS, accountId, b.build(), timestamp,
        src.origin());
  }

  /** SHA-256 of the canonical JSON of {@code obj} with {@code tokenId} replaced by {@code sha256:<fingerprint>}. */
  static String sourceDigest(JsonNode obj) {
    JsonNode token = obj.get("tokenId");
    JsonNode canonicalInput = obj;
    if (token != null && !token.isNull()) {
      ObjectNode copy = ((ObjectNode) obj).deepCopy();
      copy.put("tokenId", "sha256:" + Hashing.tokenFingerprint(token.isValueNode() ? token.asText() : token.toString()));
      canonicalInput = copy;
    }
    return Hashing.sha256Hex(Json.canonical(canonicalInput));
  }

  /** Typed, validated access to the fields of one event; messages name the type and the field. */
  private static final class Fields {
    private final JsonNode obj;
    private final String type;
    private final String prefix;

    Fields(JsonNode obj, String type) {
      this(obj, type, "");
    }

    Fields(JsonNode obj, String type, String prefix) {
      this.obj = obj;
      this.type = type;
      this.prefix = prefix;
    }

    private JsonNode raw(String name) {
      JsonNode v = obj.get(name);
      return v == null || v.isNull() ? null : v;
    }

    private InvalidInput invalid(String name, String what) {
      return new InvalidInput(prefix + name, type + ": " + what);
    }

    /** Presence and basic validity of a required field. */
    void require(String name) throws InvalidInput {
      JsonNode v = raw(name);
      if (v == null || v.isTextual() && v.asText().isBlank()) {
        throw invalid(name, "missing required field " + prefix + name);
      }
      if (TIME_FIELDS.contains(name)) {
        time(name);
      } else {
        string(name);
      }
    }

    /** A scalar as text; null when absent or blank; objects and arrays are invalid. */
    String string(String name) throws InvalidInput {
      JsonNode v = raw(name);
      if (v == null) {
        return null;
      }
      if (!v.isValueNode()) {
        throw invalid(name, "field " + prefix + name + " must be a string, got " + Json.typeName(v));
      }
      String s = v.asText();
      return s.isBlank() ? null : s;
    }

    Instant time(String name) throws InvalidInput {
      JsonNode v = raw(name);
      if (v == null) {
        return null;
      }
      if (!v.isTextual()) {
        throw invalid(name, "invalid timestamp in field " + prefix + name + ": expected an ISO-8601 string, got "
            + Json.typeName(v));
      }
      try {
        return Timestamps.parseGateway(v.asText());
      } catch (DateTimeParseException e) {
        String note = Timestamps.rangeNote(e);
        throw invalid(name, "invalid timestamp in field " + prefix + name + ": " + Timestamps.quote(v.asText())
            + (note.isEmpty() ? " (expected ISO-8601 with a zone, e.g. 2024-05-01T12:00:00Z)" : note));
      }
    }

    /** Lower-cased value that must be one of {@code allowed}; {@code dflt} when absent. */
    String oneOf(String name, String dflt, String... allowed) throws InvalidInput {
      String s = string(name);
      if (s == null) {
        return dflt;
      }
      String lower = s.toLowerCase(Locale.ROOT);
      for (String a : allowed) {
        if (a.equals(lower)) {
          return a;
        }
      }
      throw invalid(name, "invalid value in field " + prefix + name + ": " + Timestamps.quote(s)
          + " (expected " + String.join(" or ", allowed) + ")");
    }

    Long nonNegativeLong(String name) throws InvalidInput {
      JsonNode v = raw(name);
      if (v == null) {
        return null;
      }
      long n;
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        n = v.asLong();
      } else if (v.isTextual() && v.asText().trim().matches("\\d{1,18}")) {
        n = Long.parseLong(v.asText().trim());
      } else {
        throw invalid(name, "field " + prefix + name + " must be a whole number, got "
            + (v.isValueNode() ? Timestamps.quote(v.asText()) : Json.typeName(v)));
      }
      if (n < 0) {
        throw invalid(name, "field " + prefix + name + " must not be negative, got " + n);
      }
      return n;
    }

    Boolean bool(String name) throws InvalidInput {
      JsonNode v = raw(name);
      if (v == null) {
        return null;
      }
      if (v.isBoolean()) {
        return v.asBoolean();
      }
      if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
        return Boolean.parseBoolean(v.asText().toLowerCase(Locale.ROOT));
      }
      throw invalid(name, "field " + prefix + name + " must be true or false, got "
          + (v.isValueNode() ? Timestamps.quote(v.asText()) : Json.typeName(v)));
    }

    /** A list of non-blank strings from a string or an array of strings; null when absent. */
    List<String> scope() throws InvalidInput {
      JsonNode v = raw("scope");
      if (v == null) {
        return null;
      }
      if (v.isTextual() && !v.asText().isBlank()) {
        return List.of(v.asText());
      }
      if (v.isArray()) {
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
          if (!item.isTextual() || item.asText().isBlank()) {
            throw invalid("scope", "field " + prefix + "scope must be a string or an array of strings, got an array holding "
                + Json.typeName(item) + (item.isTextual() ? " (blank)" : ""));
          }
          out.add(item.asText());
        }
        return out;
      }
      throw invalid("scope", "field " + prefix + "scope must be a string or an array of strings, got " + Json.typeName(v));
    }

    AccountAssignment assignment() throws InvalidInput {
      JsonNode v = raw("assignment");
      if (v == null) {
        return null;
      }
      if (!v.isObject()) {
        throw invalid("assignment", "field " + prefix + "assignment must be an object, got " + Json.typeName(v));
      }
      Fields a = new Fields(v, type, prefix + "assignment.");
      for (String name : ASSIGNMENT_FIELDS) {
        a.require(name);
      }
      return AccountAssignment.newBuilder()
          .setInstanceArn(a.string("instanceArn"))
          .setAccountId(a.string("accountId"))
          .setPermissionSetArn(a.string("permissionSetArn"))
          .setPrincipalType(a.string("principalType"))
          .setPrincipalId(a.string("principalId"))
          .setPermissionSetName(a.string("permissionSetName"))
          .setPrincipalName(a.string("principalName"))
          .build();
    }
  }
}
