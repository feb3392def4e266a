package io.glasswatch.producers.ingest.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * Turns an AWS SDK v2 model object back into JSON under its wire member names (the service model's
 * {@code locationName}, e.g. GuardDuty's camelCase {@code accountId}, {@code service.eventLastSeen}),
 * so that a finding fetched with the SDK reads exactly like the API's own JSON and the S3 export that
 * {@link io.glasswatch.producers.normalize.Normalizer} knows. Unset members are left out; timestamps
 * become ISO-8601 strings, blobs Base64.
 */
final class SdkJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SdkJson() {}

  static JsonNode toJson(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof SdkPojo p) {
      ObjectNode o = F.objectNode();
      for (SdkField<?> f : p.sdkFields()) {
        Object x = f.getValueOrDefault(p);
        if (x == null || x instanceof SdkAutoConstructList<?> || x instanceof SdkAutoConstructMap<?, ?>) {
          continue;
        }
        o.set(f.locationName(), toJson(x));
      }
      return o;
    }
    if (v instanceof Collection<?> c) {
      ArrayNode a = F.arrayNode();
      c.forEach(x -> a.add(toJson(x)));
      return a;
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = F.objectNode();
      m.forEach((k, x) -> o.set(String.valueOf(k), toJson(x)));
      return o;
    }
    return switch (v) {
      case String s -> F.textNode(s);
      case Boolean b -> F.booleanNode(b);
      case Integer i -> F.numberNode(i);
      case Long l -> F.numberNode(l);
      case Double d -> F.numberNode(d);
      case Float fl -> F.numberNode(fl);
      case BigDecimal bd -> F.numberNode(bd);
      case Instant t -> F.textNode(t.toString());
      case SdkBytes b -> F.textNode(b.asByteBuffer().hasArray()
          ? java.util.Base64.getEncoder().encodeToString(b.asByteArray()) : "");
      default -> F.textNode(v.toString());
    };
  }
}
