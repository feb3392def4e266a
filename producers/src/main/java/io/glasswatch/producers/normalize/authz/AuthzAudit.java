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
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the AuthZ gateway's {@code audit.log} (SPEC 1.4; field reference {@code real-sources/README.md}
 * 1.3 and 1.4; source {@code services/authz-gateway/src/audit.ts} of {@code BrianCLong/summit}): JSON
 * lines {@code {subject, action, resource, tenantId, allowed, reason, ts, decisionId?, policyVersion?,
 * inputsHash?, breakGlass?}}, plus {@code previousChecksum}, {@code event}, {@code checksum} when the
 * gateway's audit bus signs them.
 *
 * <p>A record that carries {@code breakGlass}, or whose {@code action} is a break-glass action
 * ({@link #BREAK_GLASS_ACTIONS}), becomes an {@code audit} event with {@code evidenceOnly} true:
 * evidence in the request's timeline, never a lifecycle fact (so {@code audit.log} and
 * {@code break-glass-events.log} together never double a usage). Its fields: requestId =
 * breakGlass.requestId (absent on {@code break_glass_requested} and on the decisions of the request
 * and approve routes: those have no requestId and the record key {@code subject:<subject, trimmed and
 * lower-cased>}, for the streams app to attach to the subject's request at that time), subject, action, resource (for a decision
 * record the {@code id} of the serialized resource document), outcome allow/deny from {@code allowed},
 * reason, tenant = tenantId, approver = breakGlass.approverId, expiresAt = breakGlass.expiresAt,
 * ticketId, justification; the rest in {@code extraJson}.
 *
 * <p>Every other record is an ordinary decision record: counted as {@link NormalizeResult.Skipped} of
 * kind {@value #SKIPPED_DECISION}, not rejected — unless its checksum chain is broken, when it is an
 * audit event too, so that the tampering is reported. Signed records are checked by {@link AuditChain}
 * and carry its status in {@code auditChainStatus} / {@code auditChainProblem}.
 */
public final class AuthzAudit {
  /** Format label used in rejections. */
  public static final String FORMAT = "AuthZ gateway audit record";
  /** Skipped kind of an ordinary authorization decision record. */
  public static final String SKIPPED_DECISION = "authz-gateway-decision";
  /** Actions of break-glass entries and of the break-glass routes' decisions, in every version read. */
  public static final Set<String> BREAK_GLASS_ACTIONS = Set.of("break_glass_requested", "break_glass_approved",
      "break_glass_expired", "break-glass:request", "break-glass:approve", "break_glass_grant",
      "break_glass_revoke", "break_glass_usage");

  private static final Set<String> MAPPED = Set.of("subject", "action", "resource", "tenantId", "allowed", "reason",
      "ts", "breakGlass", "previousChecksum", "checksum");
  private static final Set<String> BREAK_GLASS_MAPPED =
      Set.of("requestId", "ticketId", "justification", "expiresAt", "approverId");

  private final AuditChain chain;

  /**
   * A reader.
   *
   * @param chain the checksum-chain verifier shared by every file this reader sees
   */
  public AuthzAudit(AuditChain chain) {
    this.chain = chain;
  }

  /** Whether {@code obj} is an audit record: {@code subject}, {@code action}, {@code allowed} and {@code ts}. */
  public static boolean looksLike(JsonNode obj) {
    return obj.has("subject") && obj.has("action") && obj.has("allowed") && obj.has("ts") && !obj.has("type");
  }

  /**
   * Normalizes one record.
   *
   * @param raw the line's bytes as read (needed to verify a signed record), or null
   * @param out receives one audit event or one skip
   * @throws BadField naming the first missing or invalid field
   */
  public void normalize(JsonNode obj, SourceRef src, byte[] raw, Consumer<? super NormalizeResult> out)
      throws BadField {
    AuditChain.Verdict verdict = obj.has("checksum") ? chain.check(src.file(), src.line(), raw, obj) : null;
    NativeFields f = NativeFields.of(obj, FORMAT);
    String subject = f.required("subject");
    String action = f.required("action");
    Instant ts = f.requiredTime("ts");
    Boolean allowed = f.bool("allowed");
    NativeFields bg = f.nested("breakGlass");
    boolean breakGlass = obj.hasNonNull("breakGlass") || BREAK_GLASS_ACTIONS.contains(action);
    boolean broken = verdict != null && AuditChain.BROKEN.equals(verdict.status());
    if (!breakGlass && !broken) {
      out.accept(new NormalizeResult.Skipped(SKIPPED_DECISION, src.origin()));
      return;
    }
    String requestId = bg.string("requestId");
    GatewayEvent e = GatewayEvent.newBuilder()
        .setType("audit")
        .setEvidenceOnly(true)
        .setTimestamp(ts)
        .setRequestId(requestId)
        .setSubject(subject)
        .setAction(action)
        .setResource(resource(f))
        .setOutcome(allowed == null ? null : allowed ? "allow" : "deny")
        .setReason(f.string("reason"))
        .setTenant(f.string("tenantId"))
        .setApprover(bg.string("approverId"))
        .setExpiresAt(bg.time("expiresAt"))
        .setTicketId(bg.string("ticketId"))
        .setJustification(bg.string("justification"))
        .setAuditChainStatus(verdict == null ? null : verdict.status())
        .setAuditChainProblem(verdict == null ? null : verdict.problem())
        .setSource(AuthzEvents.SOURCE)
        .setSourceEventType(action)
        .setExtraJson(extra(obj))
        .setSourceDigest(Hashing.sha256Hex(Json.canonical(obj)))
        .setOrigin(src.origin())
        .build();
    String key = requestId != null ? requestId : "subject:" + subject.trim().toLowerCase(java.util.Locale.ROOT);
    out.accept(new NormalizeResult.Normalized(Topics.GATEWAY_EVENTS, key, e, ts, src.origin()));
  }

  /** The resource id: a plain id as it is, or the {@code id} of a serialized resource document. */
  private static String resource(NativeFields f) throws BadField {
    JsonNode v = f.raw("resource");
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      return Json.compact(v);
    }
    String s = v.asText();
    if (s.startsWith("{")) {
      try {
        JsonNode doc = Json.MAPPER.readTree(s);
        if (doc != null && doc.hasNonNull("id") && doc.get("id").isTextual()) {
          return doc.get("id").asText();
        }
      } catch (java.io.IOException ignored) {
        // not a document: the text is the resource
      }
    }
    return s;
  }

  private static String extra(JsonNode obj) {
    ObjectNode extra = Json.MAPPER.createObjectNode();
    obj.properties().forEach(e -> {
      if (!MAPPED.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    });
    JsonNode r = obj.get("resource");
    if (r != null && r.isTextual() && r.asText().startsWith("{")) {
      extra.put("resource", r.asText());
    }
    JsonNode bg = obj.get("breakGlass");
    if (bg != null && bg.isObject()) {
      ObjectNode rest = Json.MAPPER.createObjectNode();
      bg.properties().forEach(e -> {
        if (!BREAK_GLASS_MAPPED.contains(e.getKey())) {
          rest.set(e.getKey(), e.getValue());
        }
      });
      if (!rest.isEmpty()) {
        extra.set("breakGlass", rest);
      }
    }
    return extra.isEmpty() ? null : Json.compact(Secrets.redact(extra));
  }
}
