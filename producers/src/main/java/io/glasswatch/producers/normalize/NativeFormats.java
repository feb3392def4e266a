package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.Secrets;

import io.glasswatch.producers.normalize.core.SourceRef;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.normalize.authz.AuditChain;
import io.glasswatch.producers.normalize.authz.AuthzAudit;
import io.glasswatch.producers.normalize.authz.AuthzEvents;
import io.glasswatch.producers.normalize.jit.DynamoJson;
import io.glasswatch.producers.normalize.jit.JitMemory;
import io.glasswatch.producers.normalize.jit.JitRecords;
import io.glasswatch.producers.normalize.jit.JitSignature;
import io.glasswatch.producers.normalize.sources.BadField;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The records of the two break-glass systems of SPEC 1.4, in every shape an operator has them, told
 * apart by their fields (tried before the canonical and AWS shapes):
 *
 * <ol>
 *   <li>AuthZ gateway {@code break-glass-events.log} line ({@link AuthzEvents});
 *   <li>AuthZ gateway {@code audit.log} record, plain or signed by the audit bus ({@link AuthzAudit});
 *   <li>JIT controller, after removing DynamoDB type wrappers ({@link DynamoJson}):
 *     <ul>
 *       <li>an item, plain, typed, or half-converted by the audit runbook: {@code jit_audit}
 *           ({@code request_id} + {@code event_type}) or {@code jit_requests} ({@code request_id} +
 *           {@code status} + {@code created_at});
 *       <li>an S3 export line {@code {"Item": {...}}} and a PutItem request {@code {"TableName", "Item"}}
 *           (also as captured, {@code {"body": {...}, "x_amz_target": ...}});
 *       <li>{@code aws dynamodb query}/{@code scan} output {@code {"Items": [...]}}: every item;
 *       <li>a DynamoDB Streams record {@code {"eventName", "dynamodb": {"NewImage"}}}, and a batch of them
 *           {@code {"Records": [...]}} as Lambda receives it (a {@code REMOVE}, which has no new image,
 *           is skipped as {@value #SKIPPED_STREAM_REMOVE});
 *       <li>a webhook notification body {@code {request_id, status, account_id, channel_id, actor}},
 *           and a captured delivery {@code {"body": "<text>", "headers": {...}}}, whose signature is
 *           verified offline when the webhook secret is configured (no clock or nonce check).
 *     </ul>
 * </ol>
 *
 * <p>Holds state: the audit chain position per file and what the JIT records said per request, so one
 * instance should read one deployment's records. Thread-safe.
 */
public final class NativeFormats {
  /** Skipped kind of a DynamoDB Streams {@code REMOVE} record. */
  public static final String SKIPPED_STREAM_REMOVE = "dynamodb-stream-remove";
  private static final String STREAM_FORMAT = "DynamoDB Streams record";

  private final SourceSettings settings;
  private final AuthzEvents authzEvents;
  private final AuthzAudit authzAudit;
  private final JitRecords jit;

  /** Reads with {@code settings}. */
  public NativeFormats(SourceSettings settings) {
    this.settings = settings;
    this.authzEvents = new AuthzEvents(settings.approverAcr());
    this.authzAudit = new AuthzAudit(new AuditChain(settings.auditSecret()));
    this.jit = new JitRecords(settings, new JitMemory());
  }

  /** The settings read with. */
  public SourceSettings settings() {
    return settings;
  }

  /** Whether {@code obj} is a record of one of the two systems, in one of the shapes above. */
  public boolean accepts(JsonNode obj) {
    if (!obj.isObject()) {
      return false;
    }
    if (AuthzEvents.looksLike(obj) || AuthzAudit.looksLike(obj)) {
      return true;
    }
    if (obj.has("request_id") && (obj.has("event_type") || obj.has("status"))) {
      return true;
    }
    JsonNode item = obj.get("Item");
    if (item != null && item.isObject() && item.has("request_id")) {
      return true;
    }
    JsonNode body = obj.get("body");
    if (body != null && (body.isObject() && body.has("TableName") || body.isTextual() && obj.has("headers"))) {
      return true;
    }
    JsonNode items = obj.get("Items");
    if (items != null && items.isArray() && !items.isEmpty() && items.get(0).has("request_id")) {
      return true;
    }
    if (obj.has("dynamodb") && obj.has("eventName")) {
      return true;
    }
    JsonNode records = obj.get("Records");
    return records != null && records.isArray() && !records.isEmpty() && records.get(0).has("dynamodb");
  }

  /**
   * Normalizes a record {@link #accepts} is true for.
   *
   * @param raw the value's bytes as read (used to verify signed audit records), or null
   */
  public void normalize(JsonNode obj, SourceRef src, byte[] raw, Consumer<? super NormalizeResult> out) {
    try {
      dispatch(obj, src, raw, out);
    } catch (BadField e) {
      out.accept(reject(src, e.field(), e.getMessage(), obj));
    }
  }

  private void dispatch(JsonNode obj, SourceRef src, byte[] raw, Consumer<? super NormalizeResult> out)
      throws BadField {
    if (AuthzEvents.looksLike(obj)) {
      authzEvents.normalize(obj, src, out);
    } else if (AuthzAudit.looksLike(obj)) {
      authzAudit.normalize(obj, src, raw, out);
    } else if (obj.has("Items")) {
      JsonNode items = obj.get("Items");
      for (int i = 0; i < items.size(); i++) {
        each(items.get(i), null, src.item(i), out);
      }
    } else if (obj.has("Records")) {
      JsonNode records = obj.get("Records");
      for (int i = 0; i < records.size(); i++) {
        each(records.get(i), null, src.item(i), out);
      }
    } else if (obj.has("dynamodb")) {
      stream(obj, src, out);
    } else if (obj.has("body") && obj.get("body").isObject()) {
      JsonNode body = obj.get("body");
      item(body.get("Item"), tableOf(body), src, out);
    } else if (obj.has("body") && obj.get("body").isTextual()) {
      delivery(obj, src, out);
    } else {
      item(obj.has("Item") ? obj.get("Item") : obj, tableOf(obj), src, out);
    }
  }

  /** One element of a container: judged alone, a bad one is rejected and its siblings still read. */
  private void each(JsonNode element, String table, SourceRef src, Consumer<? super NormalizeResult> out) {
    try {
      if (element != null && element.has("dynamodb")) {
        stream(element, src, out);
      } else {
        item(element, table, src, out);
      }
    } catch (BadField e) {
      out.accept(reject(src, e.field(), e.getMessage(), element));
    }
  }

  private void stream(JsonNode rec, SourceRef src, Consumer<? super NormalizeResult> out) throws BadField {
    JsonNode ddb = rec.get("dynamodb");
    JsonNode image = ddb == null ? null : ddb.get("NewImage");
    String name = rec.path("eventName").asText("");
    if ("REMOVE".equals(name)) {
      out.accept(new NormalizeResult.Skipped(SKIPPED_STREAM_REMOVE, src.origin()));
      return;
    }
    if (image == null || !image.isObject()) {
      throw new BadField(STREAM_FORMAT, "dynamodb.NewImage", "is missing (the stream's view type must be"
          + " NEW_IMAGE or NEW_AND_OLD_IMAGES)");
    }
    String arn = rec.path("eventSourceARN").asText("");
    String table = arn.contains(":table/") ? arn.substring(arn.indexOf(":table/") + 7).split("/")[0] : null;
    item(image, table, src, out);
  }

  private void item(JsonNode node, String table, SourceRef src, Consumer<? super NormalizeResult> out)
      throws BadField {
    if (node == null || !node.isObject()) {
      throw new BadField("DynamoDB item", "Item", "is not an object");
    }
    JsonNode plain = DynamoJson.plain(node);
    // a table name that says which table wins (deployments prefix or suffix it); else the fields decide
    String t = table == null ? "" : table.toLowerCase(Locale.ROOT);
    boolean requestsTable = t.contains("jit_requests");
    boolean auditTable = t.contains("jit_audit");
    if (requestsTable || !auditTable && !JitRecords.isAuditItem(plain) && JitRecords.isRequestsItem(plain)) {
      jit.requestsItem(plain, src, out);
    } else if (auditTable || JitRecords.isAuditItem(plain)) {
      jit.auditItem(plain, src, out);
    } else if (JitRecords.isWebhookBody(plain)) {
      jit.webhook(plain, null, src, out);
    } else {
      throw new BadField("JIT controller record", null, "is neither a jit_audit item (request_id, event_type),"
          + " a jit_requests item (request_id, status, created_at) nor a webhook notification (request_id,"
          + " status, actor) (fields: " + Json.fieldList(plain, 12) + ")");
    }
  }

  private static String tableOf(JsonNode obj) {
    JsonNode t = obj.get("TableName");
    return t != null && t.isTextual() ? t.asText() : null;
  }

  /** A captured webhook delivery: method, path, headers, raw body. */
  private void delivery(JsonNode obj, SourceRef src, Consumer<? super NormalizeResult> out) throws BadField {
    String format = "JIT controller webhook delivery";
    byte[] body = obj.get("body").asText().getBytes(StandardCharsets.UTF_8);
    JsonNode headers = obj.get("headers");
    String ts = header(headers, JitSignature.TIMESTAMP);
    if (ts == null || !ts.matches("\\d{1,12}")) {
      throw new BadField(format, "headers." + JitSignature.TIMESTAMP, "is not Unix seconds");
    }
    Map<String, byte[]> secrets = settings.jitWebhookSecrets();
    if (!secrets.isEmpty() && !JitSignature.verify(secrets, header(headers, JitSignature.KEY_ID), ts,
        header(headers, JitSignature.NONCE), obj.path("method").asText("POST"), JitSignature.WEBHOOK_PATH, body,
        header(headers, JitSignature.SIGNATURE))) {
      throw new BadField(format, "headers." + JitSignature.SIGNATURE, "does not verify with the configured webhook"
          + " secret");
    }
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new BadField(format, "body", "is not JSON");
    }
    if (parsed == null || !parsed.isObject()) {
      throw new BadField(format, "body", "is not a JSON object");
    }
    jit.webhook(parsed, Instant.ofEpochSecond(Long.parseLong(ts)), src, out);
  }

  /**
   * Normalizes a webhook notification received live, after its signature was verified.
   *
   * @param body the parsed body
   * @param deliveredAt its {@code X-JIT-Timestamp}
   */
  public void webhook(JsonNode body, Instant deliveredAt, SourceRef src, Consumer<? super NormalizeResult> out) {
    try {
      if (!body.isObject()) {
        throw new BadField(JitRecords.WEBHOOK_FORMAT, null, "is not a JSON object");
      }
      jit.webhook(body, deliveredAt, src, out);
    } catch (BadField e) {
      out.accept(reject(src, e.field(), e.getMessage(), body));
    }
  }

  private static String header(JsonNode headers, String name) {
    if (headers == null || !headers.isObject()) {
      return null;
    }
    for (Map.Entry<String, JsonNode> e : headers.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue().isTextual() ? e.getValue().asText() : null;
      }
    }
    return null;
  }

  private static NormalizeResult.Rejected reject(SourceRef src, String field, String reason, JsonNode node) {
    String where = src.index() == null ? "" : " (item " + src.index() + ")";
    return new NormalizeResult.Rejected(src.file(), src.line(), field, reason + where,
        Json.compact(Secrets.redact(redactSid(node))).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode redactSid(JsonNode node) {
    return node == null ? Json.MAPPER.nullNode() : node.isObject() ? AuthzEvents.withoutSid(node) : node;
  }
}
