package io.glasswatch.producers.ingest.jit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An SDK {@link AttributeValue} map as DynamoDB JSON ({@code {"S": "x"}}, {@code {"N": "60"}},
 * {@code {"M": {...}}}, ...), the form DynamoDB's own API, Streams records and exports use
 * (docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html), so the normalizer
 * reads an item from the live stream exactly as it reads one from a file.
 */
final class AttributeJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AttributeJson() {}

  static ObjectNode item(Map<String, AttributeValue> item) {
    ObjectNode o = NODES.objectNode();
    item.forEach((k, v) -> o.set(k, value(v)));
    return o;
  }

  static ObjectNode value(AttributeValue v) {
    ObjectNode o = NODES.objectNode();
    if (v.s() != null) {
      o.put("S", v.s());
    } else if (v.n() != null) {
      o.put("N", v.n());
    } else if (v.bool() != null) {
      o.put("BOOL", v.bool());
    } else if (Boolean.TRUE.equals(v.nul())) {
      o.put("NULL", true);
    } else if (v.b() != null) {
      o.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
    } else if (v.hasM()) {
      o.set("M", item(v.m()));
    } else if (v.hasL()) {
      ArrayNode a = o.putArray("L");
      v.l().forEach(x -> a.add(value(x)));
    } else if (v.hasSs()) {
      ArrayNode a = o.putArray("SS");
      v.ss().forEach(a::add);
    } else if (v.hasNs()) {
      ArrayNode a = o.putArray("NS");
      v.ns().forEach(a::add);
    } else if (v.hasBs()) {
      ArrayNode a = o.putArray("BS");
      v.bs().forEach(b -> a.add(Base64.getEncoder().encodeToString(b.asByteArray())));
    } else {
      o.put("NULL", true);
    }
    return o;
  }
}
