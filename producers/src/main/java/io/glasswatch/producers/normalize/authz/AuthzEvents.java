package io.glasswatch.producers.normalize.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.core.Secrets;
import io.glasswatch.producers.normalize.core.SourceRef;
import io.glasswatch.producers.normalize.sources.BadField;
import io.glasswatch.producers.normalize.sources.NativeFields;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the AuthZ gateway's {@code break-glass-events.log} (SPEC 1.4; field reference
 * {@code real-sources/README.md} 1.2; source {@code services/authz-gateway/src/break-glass.ts} of
 * {@code BrianCLong/summit}): JSON lines {@code {type, requestId, subjectId, ticketId, justification,
 * ts, actor?, detail?}}.
 *
 * <table>
 *   <caption>Mapping to {@link GatewayEvent} (every event: {@code source} authz-gateway,
 *   {@code sourceEventType} = {@code type}, {@code timestamp} = {@code ts}, {@code requestId},
 *   {@code ticketId}, {@code justification})</caption>
 *   <tr><th>{@code type}</th><th>events</th></tr>
 *   <tr><td>request</td><td>request: subject = subjectId, scope = detail.scope (default
 *       {@code ["break_glass:elevated"]}), kind jit, no account</td></tr>
 *   <tr><td>approval</td><td>approval: approver = actor, approverAcr = the assurance the source
 *       asserts ({@code sources.authz-gateway.approver-acr}, default loa2), approverRole none (the
 *       policy's roster); <b>and</b> grant: tokenFingerprint = SHA-256 of detail.sid, expiresAt =
 *       detail.expiresAt, singleUse = detail.singleUse (default true)</td></tr>
 *   <tr><td>usage</td><td>usage of the request's token (no tokenFingerprint: the line names no token):
 *       subject = subjectId, action = detail.action, resource = detail.resource, tenant =
 *       detail.tenantId, outcome allow/deny from detail.allowed</td></tr>
 *   <tr><td>expiry</td><td>expiry: detail.reason {@code startup_prune} → ttl_elapsed (seen at the
 *       next start, late; the grant's expiresAt is the true end); no detail → revoked (the session was
 *       expired and its token presented again); ttl_elapsed, consumed, revoked as they are</td></tr>
 *   <tr><td>rejection</td><td>denial: actor = actor, reason = detail.reason</td></tr>
 *   <tr><td>anything else</td><td>an audit event (evidence in the timeline) <b>and</b> a rejection
 *       naming the type (dead-letter topic)</td></tr>
 * </table>
 *
 * <p>{@code detail.sid} identifies the break-glass session: like a token id it is kept only as its
 * fingerprint. Other unmapped fields go to {@code extraJson}. {@code sourceDigest} is the SHA-256 of
 * the line's canonical JSON (the grant's: of {@code grant\n} and the same), so a re-read line is
 * recognised as the same fact.
 */
public final class AuthzEvents {
  /** {@code source} of every event read from the AuthZ gateway. */
  public static final String SOURCE = "authz-gateway";
  /** Format label used in rejections. */
  public static final String FORMAT = "AuthZ gateway event";
  /** The {@code type} values this version of the gateway (and an older or later one) writes. */
  public static final Set<String> TYPES = Set.of("request", "approval", "usage", "expiry", "rejection");

  private static final List<String> DEFAULT_SCOPE = List.of("break_glass:elevated");
  private static final Set<String> COMMON = Set.of("type", "requestId", "subjectId", "ticketId", "justification",
      "ts", "actor", "detail");
  private static final Map<String, Set<String>> DETAIL_MAPPED = Map.of(
      "request", Set.of("scope"),
      "approval", Set.of("expiresAt", "sid", "singleUse"),
      "usage", Set.of("action", "resource", "tenantId", "allowed"),
      "expiry", Set.of("reason"),
      "rejection", Set.of("reason"));

  private final String approverAcr;

  /**
   * A reader.
   *
   * @param approverAcr the assurance the gateway asserts for its approvers (its approve route
   *     refuses sessions whose {@code acr} is not loa2)
   */
  public AuthzEvents(String approverAcr) {
    this.approverAcr = approverAcr;
  }

  /**
   * Whether {@code obj} is a line of {@code break-glass-events.log}: a string {@code type}, a
   * {@code requestId}, and {@code ts} or {@code subjectId}, and no canonical {@code timestamp}.
   */
  public static boolean looksLike(JsonNode obj) {
    JsonNode t = obj.get("type");
    return t != null && t.isTextual() && obj.has("requestId") && (obj.has("ts") || obj.has("subjectId"))
        && !obj.has("timestamp");
  }

  /**
   * Normalizes one line.
   *
   * @param out receives one event (two for an approval: approval and grant; for an unknown type an
   *     audit event and a rejection)
   * @throws BadField naming the first missing or invalid field
   */
  public void normalize(JsonNode obj, SourceRef src, Consumer<? super NormalizeResult> out) throws BadField {
    NativeFields f = NativeFields.of(obj, FORMAT);
    String type = f.required("type");
    String requestId = f.required("requestId");
    Instant ts = f.requiredTime("ts");
    NativeFields d = f.nested("detail");
    String digest = Hashing.sha256Hex(Json.canonical(withoutSid(obj)));
    GatewayEvent.Builder b = GatewayEvent.newBuilder()
        .setTimestamp(ts)
        .setRequestId(requestId)
        .setTicketId(f.string("ticketId"))
        .setJustification(f.string("justification"))
        .setSubject(f.string("subjectId"))
        .setSource(SOURCE)
        .setSourceEventType(type)
        .setOrigin(src.origin())
        .setSourceDigest(digest)
        .setExtraJson(extra(obj, type));
    switch (type) {
      case "request" -> {
        f.required("subjectId");
        b.setType("request").setKind("jit").setScope(scope(d));
        out.accept(emit(b, src));
      }
      case "approval" -> {
        String approver = f.required("actor");
        Instant expiresAt = d.requiredTime("expiresAt");
        String sid = d.string("sid");
        Boolean singleUse = d.bool("singleUse");
        out.accept(emit(b.setType("approval").setApprover(approver).setApproverAcr(approverAcr), src));
        GatewayEvent.Builder g = GatewayEvent.newBuilder(b.build())
            .setType("grant").setApprover(null).setApproverAcr(null)
            .setTokenFingerprint(sid == null ? null : Hashing.tokenFingerprint(sid))
            .setExpiresAt(expiresAt)
            .setSingleUse(singleUse == null ? Boolean.TRUE : singleUse)
            .setSourceDigest(Hashing.sha256Hex("grant\n" + Json.canonical(withoutSid(obj))));
        out.accept(emit(g, src));
      }
      case "usage" -> {
        String action = d.required("action");
        String resource = d.required("resource");
        Boolean allowed = d.bool("allowed");
        if (allowed == null) {
          throw d.bad("allowed", "is missing");
        }
        b.setType("usage").setAction(action).setResource(resource).setTenant(d.string("tenantId"))
            .setOutcome(allowed ? "allow" : "deny");
        out.accept(emit(b, src));
      }
      case "expiry" -> out.accept(emit(b.setType("expiry").setReason(expiryReason(d)), src));
      case "rejection" -> out.accept(emit(b.setType("denial").setActor(f.string("actor"))
          .setReason(d.string("reason")), src));
      default -> {
        out.accept(emit(b.setType("audit").setEvidenceOnly(true).setActor(f.string("actor")), src));
        out.accept(new NormalizeResult.Rejected(src.file(), src.line(), "type", FORMAT + ": `type` "
            + NativeFields.quote(type) + " is not a type this gateway writes (expected request, approval, usage,"
            + " expiry or rejection); kept in the request's timeline as evidence",
            Json.compact(Secrets.redact(withoutSid(obj))).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
  }

  private static String expiryReason(NativeFields d) throws BadField {
    String reason = d.string("reason");
    if (reason == null) {
      return "revoked";
    }
    return switch (reason) {
      case "startup_prune", "ttl_elapsed", "expired" -> "ttl_elapsed";
      case "consumed" -> "consumed";
      case "revoked" -> "revoked";
      default -> throw d.bad("reason", "is not an expiry reason this gateway writes: " + NativeFields.quote(reason)
          + " (expected startup_prune, or no detail)");
    };
  }

  private static List<String> scope(NativeFields d) throws BadField {
    JsonNode v = d.raw("scope");
    if (v == null) {
      return DEFAULT_SCOPE;
    }
    if (v.isTextual() && !v.asText().isBlank()) {
      return List.of(v.asText());
    }
    if (!v.isArray()) {
      throw d.bad("scope", "is not an array of strings (got " + Json.typeName(v) + ")");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : v) {
      if (!s.isTextual() || s.asText().isBlank()) {
        throw d.bad("scope", "holds " + Json.typeName(s) + ", not a scope name");
      }
      out.add(s.asText());
    }
    return out.isEmpty() ? DEFAULT_SCOPE : out;
  }

  private static NormalizeResult.Normalized emit(GatewayEvent.Builder b, SourceRef src) {
    GatewayEvent e = b.build();
    return new NormalizeResult.Normalized(Topics.GATEWAY_EVENTS, e.getRequestId(), e, e.getTimestamp(), src.origin());
  }

  /** The line with {@code detail.sid} replaced by its fingerprint (the sid is never kept raw). */
  public static JsonNode withoutSid(JsonNode obj) {
    JsonNode d = obj.get("detail");
    if (d == null || !d.isObject() || !d.has("sid")) {
      return obj;
    }
    ObjectNode copy = ((ObjectNode) obj).deepCopy();
    ObjectNode detail = (ObjectNode) copy.get("detail");
    detail.put("sid", "sha256:" + Hashing.tokenFingerprint(detail.get("sid").asText()));
    return copy;
  }

  private static String extra(JsonNode obj, String type) {
    ObjectNode extra = Json.MAPPER.createObjectNode();
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      if (!COMMON.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    }
    JsonNode d = obj.get("detail");
    Set<String> mapped = DETAIL_MAPPED.getOrDefault(type, Set.of());
    if (d != null && d.isObject()) {
      ObjectNode rest = Json.MAPPER.createObjectNode();
      for (Map.Entry<String, JsonNode> e : d.properties()) {
        if (!mapped.contains(e.getKey()) && !"sid".equals(e.getKey())) {
          rest.set(e.getKey(), e.getValue());
        }
      }
      if (!rest.isEmpty()) {
        extra.set("detail", rest);
      }
    }
    return extra.isEmpty() ? null : Json.compact(Secrets.redact(extra));
  }
}
