package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.Secrets;

import io.glasswatch.producers.normalize.core.Timestamps;

import io.glasswatch.producers.normalize.core.SourceRef;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Tells the input shapes of SPEC section 1 apart by their fields and normalizes every event in a
 * JSON value. Thread-safe, no I/O. The only state is that of {@link NativeFormats} (the AuthZ
 * gateway's audit chain position per file, what the JIT controller's records said per request).
 *
 * <p>Shapes, tried in this order on a JSON object:
 *
 * <ol>
 *   <li>a record of a break-glass system of SPEC 1.4, in any of its shapes ({@link NativeFormats});
 *   <li>gateway event: {@code type} is request, approval, grant, usage, expiry or rotation
 *       ({@link GatewayNormalizer});
 *   <li>break-glass root declaration: {@code action} "break_glass_root_login" or {@code actor_role}
 *       "break_glass_root" → a {@code root_declaration} gateway event;
 *   <li>gateway event of an unknown type (a {@code type} without ':' next to {@code requestId},
 *       {@code tokenId} or {@code timestamp}) → rejected naming the type;
 *   <li>EventBridge envelope ({@code detail-type} and {@code detail}): "AWS API Call via CloudTrail",
 *       "AWS Console Sign In via CloudTrail" → the CloudTrail record in {@code detail};
 *       "GuardDuty Finding" → the finding in {@code detail}; any other detail-type (e.g. "AWS Service
 *       Event via CloudTrail") → whatever {@code detail} holds. An empty or placeholder detail, and
 *       an EventBridge rule pattern (detail-type a list), are rejected
 *       (docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html);
 *   <li>CloudTrail log file {@code {"Records":[...]}}: every record
 *       (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html);
 *   <li>LookupEvents response {@code {"Events":[{..., "CloudTrailEvent":"<escaped JSON>"}]}}: every
 *       embedded record (docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html);
 *   <li>GetFindings response {@code {"Findings":[...]}} (any key case): every finding
 *       (docs.aws.amazon.com/guardduty/latest/APIReference/API_GetFindings.html);
 *   <li>CloudTrail digest file → {@link NormalizeResult.Skipped} of kind
 *       {@value NormalizeResult.Skipped#CLOUDTRAIL_DIGEST};
 *   <li>GuardDuty finding ({@link GuardDutyNormalizer});
 *   <li>CloudTrail record: eventTime, eventName, eventSource, eventVersion or eventID present, any key
 *       case ({@link CloudTrailNormalizer});
 *   <li>anything else → rejected: {@code unrecognized input: not a gateway event, CloudTrail record or
 *       GuardDuty finding (fields: a, b, c)}.
 * </ol>
 *
 * <p>A JSON array is normalized item by item ({@code origin} {@code <file>:<line>#<index>}). Each
 * record of a container is judged alone: one bad record is rejected with its container path
 * ({@code Records[3]: cloudtrail: missing required field eventTime}, field
 * {@code Records[3].eventTime}) and its siblings still normalize.
 */
public final class Normalizer {
  /** EventBridge detail-types that carry a CloudTrail record. */
  public static final Set<String> CLOUDTRAIL_DETAIL_TYPES =
      Set.of("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail");
  /** EventBridge detail-type of a GuardDuty finding. */
  public static final String GUARDDUTY_DETAIL_TYPE = "GuardDuty Finding";

  private static final Pattern QUOTED = Pattern.compile("'([^']{2,})'");
  private static final Set<String> JSON_WORDS = Set.of("null", "true", "false");

  private final NativeFormats nativeFormats;

  /**
   * A normalizer reading the break-glass systems' own records with the {@code sources.*} settings of
   * the process environment ({@link SourceSettings#fromEnvironment()}).
   */
  public Normalizer() {
    this(SourceSettings.fromEnvironment());
  }

  /** A normalizer reading the break-glass systems' own records (SPEC 1.4) with {@code sources}. */
  public Normalizer(SourceSettings sources) {
    this.nativeFormats = new NativeFormats(sources);
  }

  /** The reader of the break-glass systems' own records this normalizer uses. */
  public NativeFormats nativeFormats() {
    return nativeFormats;
  }

  /**
   * Normalizes every event in {@code value}.
   *
   * @param value a parsed JSON value (normally an object; arrays are taken item by item)
   * @param src where the value starts
   * @param raw the value's bytes as read, kept when the value is rejected; when the value holds a
   *     secret-named field ({@link Secrets}), or {@code raw} is null, the compact JSON of the value
   *     with secrets redacted is kept instead
   * @param out receives one result per event, in input order; a value may yield none (an empty
   *     {@code Records} list), one, or many
   */
  public void normalize(JsonNode value, SourceRef src, byte[] raw, Consumer<? super NormalizeResult> out) {
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        normalize(value.get(i), src.item(i), null, out);
      }
      return;
    }
    // SPEC 1.4: the break-glass systems' own records (NativeFormats), before the canonical shapes
    if (nativeFormats.accepts(value)) {
      nativeFormats.normalize(value, src, raw, out);
      return;
    }
    try {
      dispatch(value, src, out);
    } catch (InvalidInput e) {
      out.accept(reject(src, null, e, raw, value));
    }
  }

  /** {@link #normalize(JsonNode, SourceRef, byte[], Consumer)} collected into a list. */
  public List<NormalizeResult> normalize(JsonNode value, SourceRef src, byte[] raw) {
    List<NormalizeResult> out = new ArrayList<>(1);
    normalize(value, src, raw, out::add);
    return out;
  }

  /**
   * Parses and normalizes one JSON text, as ingest paths receive it (e.g. the {@code CloudTrailEvent}
   * string of a LookupEvents answer, an EventBridge message body). Text that is not JSON is one
   * rejection.
   *
   * @param json the JSON text
   * @param src where it came from, e.g. {@code SourceRef.of("cloudtrail:LookupEvents", 0)}
   */
  public List<NormalizeResult> normalizeJson(String json, SourceRef src) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      return List.of(new NormalizeResult.Rejected(src.file(), src.line(), null,
          "invalid JSON: " + safeMessage(e), Secrets.redactRaw(bytes)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (node == null || node.isMissingNode()) {
      return List.of(new NormalizeResult.Rejected(src.file(), src.line(), null, "invalid JSON: empty input",
          bytes));
    }
    return normalize(node, src, bytes);
  }

  /**
   * A JSON parser's message without the input text it may quote (a token in the input could be a
   * secret): quoted fragments longer than one character are replaced by {@code '...'}.
   */
  public static String safeMessage(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    return QUOTED.matcher(m).replaceAll(r -> JSON_WORDS.contains(r.group(1)) ? r.group() : "'...'");
  }

  private void dispatch(JsonNode value, SourceRef src, Consumer<? super NormalizeResult> out)
      throws InvalidInput {
    if (!value.isObject()) {
      throw new InvalidInput(null, "not a JSON object: got " + Json.typeName(value)
          + (value.isValueNode() && !value.isNull() ? " " + Timestamps.quote(value.asText()) : ""));
    }
    if (GatewayNormalizer.isGatewayEvent(value)) {
      out.accept(GatewayNormalizer.normalize(value, src));
    } else if (GatewayNormalizer.isRootDeclaration(value)) {
      out.accept(GatewayNormalizer.normalizeRootDeclaration(value, src));
    } else if (GatewayNormalizer.looksLikeUnknownGatewayType(value)) {
      throw GatewayNormalizer.unknownType(value);
    } else if (Json.field(value, "detail-type") != null) {
      out.accept(envelope(value, src));
    } else if (Json.field(value, "Records") != null) {
      records(value, src, out);
    } else if (Json.field(value, "Events") != null) {
      lookupEvents(value, src, out);
    } else if (Json.field(value, "Findings") != null) {
      findings(value, src, out);
    } else if (CloudTrailNormalizer.isDigest(value)) {
      out.accept(new NormalizeResult.Skipped(NormalizeResult.Skipped.CLOUDTRAIL_DIGEST, src.origin()));
    } else if (GuardDutyNormalizer.looksLikeFinding(value)) {
      out.accept(GuardDutyNormalizer.normalize(value, src));
    } else if (CloudTrailNormalizer.looksLikeRecord(value)) {
      out.accept(CloudTrailNormalizer.normalize(value, src, null));
    } else {
      throw new InvalidInput(null, "unrecognized input: not a gateway event, CloudTrail record or GuardDuty finding"
          + " (fields: " + (value.isEmpty() ? "none" : Json.fieldList(value, 12)) + ")");
    }
  }

  private static NormalizeResult.Normalized envelope(JsonNode env, SourceRef src) throws InvalidInput {
    JsonNode dtNode = Json.field(env, "detail-type");
    JsonNode source = Json.field(env, "source");
    if (dtNode.isArray() || source != null && source.isArray()) {
      throw new InvalidInput("detail-type", "eventbridge: an EventBridge rule pattern (detail-type and source"
          + " hold lists of values to match), not an event");
    }
    String dt = dtNode.asText();
    JsonNode detail = Json.field(env, "detail");
    if (detail == null || !detail.isObject() || detail.isEmpty()) {
      throw new InvalidInput("detail", "eventbridge: envelope " + Timestamps.quote(dt)
          + " has an empty detail: it carries no event");
    }
    String account = Json.textAt(env, "account");
    boolean cloudTrail = CloudTrailNormalizer.looksLikeRecord(detail);
    boolean finding = GuardDutyNormalizer.looksLikeFinding(detail);
    if (CLOUDTRAIL_DETAIL_TYPES.contains(dt) && !cloudTrail) {
      throw new InvalidInput("detail", "eventbridge: envelope '" + dt + "' has a detail that is not a CloudTrail"
          + " record (fields: " + Json.fieldList(detail, 12) + ")");
    }
    if (GUARDDUTY_DETAIL_TYPE.equals(dt) && !finding) {
      throw new InvalidInput("detail", "eventbridge: envelope 'GuardDuty Finding' has a placeholder detail,"
          + " not a GuardDuty finding (fields: " + Json.fieldList(detail, 12) + ")");
    }
    if (!cloudTrail && !finding) {
      throw new InvalidInput("detail-type", "eventbridge: unsupported detail-type " + Timestamps.quote(dt)
          + " (expected AWS API Call via CloudTrail, AWS Console Sign In via CloudTrail or GuardDuty Finding)"
          + " and its detail is neither a CloudTrail record nor a GuardDuty finding");
    }
    boolean asFinding = GUARDDUTY_DETAIL_TYPE.equals(dt) || !CLOUDTRAIL_DETAIL_TYPES.contains(dt) && finding;
    try {
      return asFinding
          ? GuardDutyNormalizer.normalize(detail, src)
          : CloudTrailNormalizer.normalize(detail, src, account);
    } catch (InvalidInput e) {
      throw prefixed("detail", e);
    }
  }

  /**
   * Normalizes one element of a document's {@code Records}, {@code Events} or {@code Findings} array,
   * as {@link #normalize(JsonNode, SourceRef, byte[], Consumer)} does for each element of the whole
   * document; the streaming reader hands elements one by one so that a large log file never has to
   * be held whole.
   *
   * @param container {@code Records} (a CloudTrail record), {@code Events} (a LookupEvents item) or
   *     {@code Findings} (a GuardDuty finding)
   * @param item the element
   * @param src the document's source with the element's index ({@code SourceRef#item})
   * @param raw the element's bytes as read, kept when it is rejected (unless it holds a secret), or null
   * @param out receives one result
   * @throws IllegalArgumentException for another container name
   */
  public void normalizeItem(String container, JsonNode item, SourceRef src, byte[] raw,
      Consumer<? super NormalizeResult> out) {
    String index = src.index() == null ? "0" : src.index().substring(src.index().lastIndexOf('.') + 1);
    SourceRef parent = new SourceRef(src.file(), src.line(), null);
    String prefix = container + "[" + index + "]";
    try {
      switch (container) {
        case "Records" -> out.accept(CloudTrailNormalizer.normalize(item, src, null));
        case "Events" -> out.accept(lookupEvent(item, src));
        case "Findings" -> out.accept(GuardDutyNormalizer.normalize(item, src));
        default -> throw new IllegalArgumentException("not a container: " + container);
      }
    } catch (InvalidInput e) {
      out.accept(reject(parent, prefix, e, raw, item));
    }
  }

  private static void records(JsonNode file, SourceRef src, Consumer<? super NormalizeResult> out)
      throws InvalidInput {
    JsonNode records = array(file, "Records", "cloudtrail");
    for (int i = 0; i < records.size(); i++) {
      JsonNode rec = records.get(i);
      try {
        out.accept(CloudTrailNormalizer.normalize(rec, src.item(i), null));
      } catch (InvalidInput e) {
        out.accept(reject(src, "Records[" + i + "]", e, null, rec));
      }
    }
  }

  private static void lookupEvents(JsonNode response, SourceRef src, Consumer<? super NormalizeResult> out)
      throws InvalidInput {
    JsonNode events = array(response, "Events", "lookupevents");
    for (int i = 0; i < events.size(); i++) {
      JsonNode item = events.get(i);
      try {
        out.accept(lookupEvent(item, src.item(i)));
      } catch (InvalidInput e) {
        out.accept(reject(src, "Events[" + i + "]", e, null, item));
      }
    }
  }

  private static NormalizeResult.Normalized lookupEvent(JsonNode item, SourceRef src) throws InvalidInput {
    JsonNode embedded = Json.field(item, "CloudTrailEvent");
    if (embedded == null) {
      throw new InvalidInput("CloudTrailEvent", "lookupevents: missing required field CloudTrailEvent");
    }
    JsonNode rec = embedded;
    if (embedded.isTextual()) {
      try {
        rec = Json.MAPPER.readTree(embedded.asText());
      } catch (JsonProcessingException e) {
        throw new InvalidInput("CloudTrailEvent", "lookupevents: field CloudTrailEvent is not valid JSON: "
            + safeMessage(e));
      }
    }
    if (rec == null || !rec.isObject()) {
      throw new InvalidInput("CloudTrailEvent", "lookupevents: field CloudTrailEvent must hold a JSON object");
    }
    return CloudTrailNormalizer.normalize(rec, src, null);
  }

  private static void findings(JsonNode response, SourceRef src, Consumer<? super NormalizeResult> out)
      throws InvalidInput {
    JsonNode findings = array(response, "Findings", "guardduty");
    for (int i = 0; i < findings.size(); i++) {
      JsonNode f = findings.get(i);
      try {
        out.accept(GuardDutyNormalizer.normalize(f, src.item(i)));
      } catch (InvalidInput e) {
        out.accept(reject(src, "Findings[" + i + "]", e, null, f));
      }
    }
  }

  private static JsonNode array(JsonNode obj, String name, String shape) throws InvalidInput {
    JsonNode a = Json.field(obj, name);
    if (!a.isArray()) {
      throw new InvalidInput(name, shape + ": field " + name + " must be an array, got " + Json.typeName(a));
    }
    return a;
  }

  private static InvalidInput prefixed(String prefix, InvalidInput e) {
    return new InvalidInput(e.field() == null ? prefix : prefix + "." + e.field(), prefix + ": " + e.reason());
  }

  private static NormalizeResult.Rejected reject(SourceRef src, String prefix, InvalidInput e, byte[] raw,
      JsonNode node) {
    InvalidInput p = prefix == null ? e : prefixed(prefix, e);
    byte[] kept = raw != null && !Secrets.containsSecret(node)
        ? raw
        : Json.compact(Secrets.redact(node)).getBytes(StandardCharsets.UTF_8);
    return new NormalizeResult.Rejected(src.file(), src.line(), p.field(), p.reason(), kept);
  }
}
