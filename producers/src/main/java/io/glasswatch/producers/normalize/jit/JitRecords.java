package io.glasswatch.producers.normalize.jit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.core.Secrets;
import io.glasswatch.producers.normalize.core.SourceRef;
import io.glasswatch.producers.normalize.sources.BadField;
import io.glasswatch.producers.normalize.sources.NativeFields;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the JIT controller's records once their DynamoDB type wrappers are removed ({@link DynamoJson};
 * SPEC 1.4; field reference {@code real-sources/README.md} section 2; source
 * {@code internal/audit}, {@code internal/dynamo}, {@code internal/webhook} of
 * {@code dgwhited/jit-aws-controller}).
 *
 * <table>
 *   <caption>{@code jit_audit} item → {@link GatewayEvent} (every event: {@code source} jit-controller,
 *   {@code sourceEventType} = event_type, requestId = request_id, timestamp = event_time (plus the
 *   transition's rank in milliseconds, {@link #inSecond}), accountId =
 *   account_id; channel_id, actor_mm_user_id, event_id in {@code extraJson})</caption>
 *   <tr><th>{@code event_type}</th><th>event</th></tr>
 *   <tr><td>REQUESTED</td><td>request: subject = actor_email, ticketId = details.jira, justification =
 *       details.reason, requestedDurationSeconds = 60 × details.requested_duration_minutes</td></tr>
 *   <tr><td>APPROVED</td><td>approval: approver = actor_email (no assurance or role: the policy's
 *       {@code sources.jit-controller} settings supply them)</td></tr>
 *   <tr><td>DENIED</td><td>denial: actor = actor_email (the controller keeps no reason)</td></tr>
 *   <tr><td>GRANTED</td><td>grant, multi-use (an IAM Identity Center assignment): expiresAt = the
 *       earlier of grant time + requested duration and {@code jit_requests.end_time} (the reconciler's
 *       deadline), whichever is known, else grant time + {@code sources.jit-controller.max-duration};
 *       {@code extraJson.expiresAtBasis} says which; assignment = the configured instance and permission
 *       set, account_id, USER {@code jit_requests.identity_store_user_id} (when all are known)</td></tr>
 *   <tr><td>REVOKED</td><td>expiry revoked, actor = actor_email</td></tr>
 *   <tr><td>EXPIRED</td><td>expiry ttl_elapsed, actor = actor_email (system or reconciler)</td></tr>
 *   <tr><td>ERROR</td><td>error: errorMessage = details.error, errorPhase = details.phase (grant or
 *       revoke; revoke for the reconciler's errors, which carry no phase: it only revokes)</td></tr>
 *   <tr><td>anything else</td><td>an audit event (evidence) <b>and</b> a rejection naming the type</td></tr>
 * </table>
 *
 * <p>A {@code jit_requests} item is a request event ({@code sourceEventType} jit_requests): subject =
 * requester_email, ticketId = jira, justification = reason, requestedDurationSeconds, expiresAt =
 * end_time, assignment as above; it also completes later {@code GRANTED} items ({@link JitMemory}).
 *
 * <p>A webhook notification {@code {request_id, status, account_id, channel_id, actor, details?}} maps
 * like the {@code jit_audit} item of the same status (GRANTED's duration from details.duration_minutes);
 * its time is the delivery's {@code X-JIT-Timestamp}.
 *
 * <p>Idempotency: {@code sourceDigest} is derived from the fact, not the bytes: SHA-256 of
 * {@code jit-controller, request_id, event, discriminator} (approval: the approver; expiry: the reason;
 * error: phase and text; request, denial, grant: none). So the same item read in any shape, the webhook
 * of the same transition, and the webhook's retries are one fact for the correlator.
 */
public final class JitRecords {
  /** {@code source} of every event read from the JIT controller. */
  public static final String SOURCE = "jit-controller";
  /** Format label of a jit_audit item. */
  public static final String AUDIT_FORMAT = "JIT controller jit_audit item";
  /** Format label of a jit_requests item. */
  public static final String REQUESTS_FORMAT = "JIT controller jit_requests item";
  /** Format label of a webhook notification. */
  public static final String WEBHOOK_FORMAT = "JIT controller webhook notification";

  private static final Set<String> AUDIT_MAPPED = Set.of("request_id", "event_type", "event_time", "account_id",
      "actor_email", "details", "event_time_event_id");

  private final SourceSettings settings;
  private final JitMemory memory;

  /**
   * A reader.
   *
   * @param settings instance, permission set and fallback duration of the controller's deployment
   * @param memory what earlier records said (shared by every path that reads this controller)
   */
  public JitRecords(SourceSettings settings, JitMemory memory) {
    this.settings = settings;
    this.memory = memory;
  }

  /** Whether a plain item is a {@code jit_audit} item: {@code request_id} and {@code event_type}. */
  public static boolean isAuditItem(JsonNode item) {
    return item.has("request_id") && item.has("event_type");
  }

  /** Whether a plain item is a {@code jit_requests} item: {@code request_id}, {@code status}, and {@code created_at} or a requester. */
  public static boolean isRequestsItem(JsonNode item) {
    return item.has("request_id") && item.has("status") && !item.has("actor")
        && (item.has("created_at") || item.has("requester_email") || item.has("identity_store_user_id"));
  }

  /** Whether a plain object is a webhook notification body: {@code request_id}, {@code status}, {@code actor}. */
  public static boolean isWebhookBody(JsonNode body) {
    return body.has("request_id") && body.has("status") && body.has("actor") && !body.has("event_type");
  }

  /**
   * Normalizes one plain {@code jit_audit} item.
   *
   * @throws BadField naming the first missing or invalid field
   */
  public void auditItem(JsonNode item, SourceRef src, Consumer<? super NormalizeResult> out) throws BadField {
    NativeFields f = NativeFields.of(item, AUDIT_FORMAT);
    String requestId = f.required("request_id");
    String type = f.required("event_type");
    Instant at = inSecond(f.requiredTime("event_time"), type);
    String account = f.required("account_id");
    String actor = f.string("actor_email");
    NativeFields d = f.nested("details");
    ObjectNode extra = extra(item, AUDIT_MAPPED);
    Fact fact = new Fact(requestId, type, at, account, actor, src, extra);
    switch (type) {
      case "REQUESTED" -> {
        Long minutes = d.count("requested_duration_minutes");
        out.accept(fact.emit(fact.base("request").setSubject(actor).setKind("jit")
            .setTicketId(d.string("jira")).setJustification(d.string("reason"))
            .setScope(java.util.List.of("break_glass:elevated"))
            .setRequestedDurationSeconds(minutes == null ? null : minutes * 60), "request", ""));
        memory.with(requestId, i -> {
          if (minutes != null) {
            i.requestedMinutes = minutes;
          }
          i.requester = actor;
          return null;
        });
      }
      case "APPROVED" -> out.accept(fact.emit(fact.base("approval").setApprover(actor)
          .setSubject(requester(requestId)), "approval", actor == null ? "" : actor));
      case "DENIED" -> out.accept(fact.emit(fact.base("denial").setActor(actor), "denial", ""));
      case "GRANTED" -> out.accept(grant(fact, null));
      case "REVOKED" -> out.accept(fact.emit(fact.base("expiry").setReason("revoked").setActor(actor),
          "expiry", "revoked"));
      case "EXPIRED" -> out.accept(fact.emit(fact.base("expiry").setReason("ttl_elapsed").setActor(actor),
          "expiry", "ttl_elapsed"));
      case "ERROR" -> out.accept(error(fact, d.string("error"), d.string("phase")));
      default -> unknown(fact, item, "event_type", AUDIT_FORMAT, out);
    }
  }

  /**
   * Normalizes one plain {@code jit_requests} item and remembers its end time and principal.
   *
   * @throws BadField naming the first missing or invalid field
   */
  public void requestsItem(JsonNode item, SourceRef src, Consumer<? super NormalizeResult> out) throws BadField {
    NativeFields f = NativeFields.of(item, REQUESTS_FORMAT);
    String requestId = f.required("request_id");
    Instant created = f.requiredTime("created_at");
    String account = f.required("account_id");
    Instant end = f.time("end_time");
    Long minutes = f.count("requested_duration_minutes");
    String principal = f.string("identity_store_user_id");
    String requester = f.string("requester_email");
    memory.with(requestId, i -> {
      i.endTime = end != null ? end : i.endTime;
      i.principalId = principal != null ? principal : i.principalId;
      i.requestedMinutes = minutes != null ? minutes : i.requestedMinutes;
      i.requester = requester != null ? requester : i.requester;
      i.accountId = account;
      return null;
    });
    ObjectNode extra = extra(item, Set.of("request_id", "created_at", "account_id", "end_time",
        "requested_duration_minutes", "identity_store_user_id", "requester_email", "jira", "reason"));
    Fact fact = new Fact(requestId, "jit_requests", created, account, requester, src, extra);
    out.accept(fact.emit(fact.base("request").setSubject(requester).setKind("jit")
        .setTicketId(f.string("jira")).setJustification(f.string("reason"))
        .setScope(java.util.List.of("break_glass:elevated"))
        .setRequestedDurationSeconds(minutes == null ? null : minutes * 60)
        .setExpiresAt(end).setAssignment(assignment(account, principal)), "jit_requests", ""));
  }

  /**
   * Normalizes one webhook notification body.
   *
   * @param body the parsed body
   * @param deliveredAt the delivery's {@code X-JIT-Timestamp}, or null for a bare body (then the time of
   *     the same fact from an earlier record, else of the request's latest record, is used)
   * @throws BadField naming the first missing or invalid field
   */
  public void webhook(JsonNode body, Instant deliveredAt, SourceRef src, Consumer<? super NormalizeResult> out)
      throws BadField {
    NativeFields f = NativeFields.of(body, WEBHOOK_FORMAT);
    String requestId = f.required("request_id");
    String status = f.required("status");
    String account = f.required("account_id");
    String actor = f.string("actor");
    NativeFields d = f.nested("details");
    Instant at = deliveredAt != null ? deliveredAt : knownTime(requestId, status);
    if (at == null) {
      throw new BadField(WEBHOOK_FORMAT, "X-JIT-Timestamp", "is not known: a bare notification body carries no"
          + " time and no earlier record of request " + requestId + " was read");
    }
    ObjectNode extra = extra(body, Set.of("request_id", "status", "account_id", "actor", "details"));
    Fact fact = new Fact(requestId, "webhook:" + status, at, account, actor, src, extra);
    switch (status) {
      case "GRANTED" -> {
        Long minutes = d.count("duration_minutes");
        out.accept(grant(fact, minutes));
      }
      case "REVOKED" -> out.accept(fact.emit(fact.base("expiry").setReason("revoked").setActor(actor),
          "expiry", "revoked"));
      case "EXPIRED" -> out.accept(fact.emit(fact.base("expiry").setReason("ttl_elapsed").setActor(actor),
          "expiry", "ttl_elapsed"));
      case "ERROR" -> out.accept(error(fact, d.string("error"), d.string("phase")));
      default -> unknown(fact, body, "status", WEBHOOK_FORMAT, out);
    }
  }

  /**
   * {@code event_time} has whole seconds, and items of one request written in the same second come
   * back from a query in either order (APPROVED and GRANTED usually share a second): a whole-second time
   * gets the transition's rank in milliseconds (REQUESTED 0, APPROVED and DENIED 1, GRANTED 2, REVOKED,
   * EXPIRED and ERROR 3), so time order is lifecycle order whatever the read order.
   */
  static Instant inSecond(Instant t, String eventType) {
    if (t.getNano() != 0) {
      return t;
    }
    int rank = switch (eventType) {
      case "APPROVED", "DENIED" -> 1;
      case "GRANTED" -> 2;
      case "REVOKED", "EXPIRED", "ERROR" -> 3;
      default -> 0;
    };
    return t.plusMillis(rank);
  }

  private Instant knownTime(String requestId, String status) {
    String fact = switch (status) {
      case "GRANTED" -> "grant";
      case "REVOKED", "EXPIRED" -> "expiry";
      case "ERROR" -> "error";
      default -> status;
    };
    return memory.with(requestId, i -> i.factTimes.getOrDefault(fact, i.lastSeen));
  }

  private String requester(String requestId) {
    return memory.with(requestId, i -> i.requester);
  }

  private NormalizeResult.Normalized grant(Fact fact, Long webhookMinutes) {
    record Known(Long minutes, Instant end, String principal) {}
    Known k = memory.with(fact.requestId, i -> new Known(i.requestedMinutes, i.endTime, i.principalId));
    Long minutes = webhookMinutes != null ? webhookMinutes : k.minutes();
    Instant byDuration = minutes == null ? null : fact.at.plus(Duration.ofMinutes(minutes));
    Instant expiresAt;
    String basis;
    if (byDuration != null && k.end() != null) {
      expiresAt = byDuration.isBefore(k.end()) ? byDuration : k.end();
      basis = byDuration.isBefore(k.end()) ? "requested_duration_minutes" : "jit_requests.end_time";
    } else if (byDuration != null) {
      expiresAt = byDuration;
      basis = "requested_duration_minutes";
    } else if (k.end() != null) {
      expiresAt = k.end();
      basis = "jit_requests.end_time";
    } else {
      expiresAt = fact.at.plus(settings.jitMaxDuration());
      basis = "max-duration " + settings.jitMaxDuration();
    }
    fact.extra.put("expiresAtBasis", basis);
    return fact.emit(fact.base("grant").setExpiresAt(expiresAt).setSingleUse(false)
        .setAssignment(assignment(fact.account, k.principal())), "grant", "");
  }

  private NormalizeResult.Normalized error(Fact fact, String message, String phase) {
    String p = phase != null ? phase : "reconciler".equals(fact.actor) ? "revoke" : null;
    return fact.emit(fact.base("error").setActor(fact.actor).setErrorMessage(message).setErrorPhase(p), "error",
        (p == null ? "" : p) + "\n" + (message == null ? "" : message));
  }

  private AccountAssignment assignment(String account, String principal) {
    if (!settings.jitAssignments() || principal == null || account == null) {
      return null;
    }
    return AccountAssignment.newBuilder().setInstanceArn(settings.jitInstanceArn()).setAccountId(account)
        .setPermissionSetArn(settings.jitPermissionSetArn()).setPrincipalType("USER").setPrincipalId(principal)
        .build();
  }

  private static void unknown(Fact fact, JsonNode obj, String field, String format,
      Consumer<? super NormalizeResult> out) {
    String type = obj.get(field).asText();
    out.accept(fact.emit(fact.base("audit").setEvidenceOnly(true).setActor(fact.actor), "unknown", type));
    out.accept(new NormalizeResult.Rejected(fact.src.file(), fact.src.line(), field, format + ": `" + field + "` "
        + NativeFields.quote(type) + " is not a type this controller writes; kept in the request's timeline as"
        + " evidence", Json.compact(Secrets.redact(obj)).getBytes(StandardCharsets.UTF_8)));
  }

  private static ObjectNode extra(JsonNode obj, Set<String> mapped) {
    ObjectNode extra = Json.MAPPER.createObjectNode();
    obj.properties().forEach(e -> {
      if (!mapped.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    });
    return extra;
  }

  /** One record being normalized: what every event of it shares. */
  private final class Fact {
    final String requestId;
    final String sourceType;
    final Instant at;
    final String account;
    final String actor;
    final SourceRef src;
    final ObjectNode extra;

    Fact(String requestId, String sourceType, Instant at, String account, String actor, SourceRef src,
        ObjectNode extra) {
      this.requestId = requestId;
      this.sourceType = sourceType;
      this.at = at;
      this.account = account;
      this.actor = actor;
      this.src = src;
      this.extra = extra;
    }

    GatewayEvent.Builder base(String type) {
      return GatewayEvent.newBuilder().setType(type).setRequestId(requestId).setTimestamp(at).setAccountId(account)
          .setSource(SOURCE).setSourceEventType(sourceType).setOrigin(src.origin());
    }

    NormalizeResult.Normalized emit(GatewayEvent.Builder b, String event, String discriminator) {
      b.setExtraJson(extra.isEmpty() ? null : Json.compact(Secrets.redact(extra)));
      b.setSourceDigest(Hashing.sha256Hex(SOURCE + "\n" + requestId + "\n" + event + "\n" + discriminator));
      memory.with(requestId, i -> {
        i.factTimes.putIfAbsent(event, at);
        i.lastSeen = i.lastSeen == null || at.isAfter(i.lastSeen) ? at : i.lastSeen;
        return null;
      });
      GatewayEvent e = b.build();
      return new NormalizeResult.Normalized(Topics.GATEWAY_EVENTS, requestId, e, at, src.origin());
    }
  }
}
