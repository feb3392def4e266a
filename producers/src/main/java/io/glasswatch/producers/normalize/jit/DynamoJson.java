package io.glasswatch.producers.normalize.jit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * Removes DynamoDB JSON type wrappers ({@code {"S": "x"}}, {@code {"N": "60"}}, {@code {"M": {...}}},
 * ...; docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html#Programming.LowLevelAPI.DataTypeDescriptors)
 * at any depth, so that every shape in which a DynamoDB item reaches people (S3 export, Streams
 * image, {@code aws dynamodb query} output, the JIT audit runbook's half-converted lines, plain JSON)
 * reads as plain JSON. A wrapper is an object with exactly one member whose name is a DynamoDB type
 * descriptor and whose value has that type's JSON form; anything else is left as it is. {@code N}
 * becomes a number (kept exact), {@code B} stays base64 text, sets become arrays.
 */
public final class DynamoJson {
  private static final Set<String> DESCRIPTORS = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS");
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private DynamoJson() {}

  /** Whether {@code node} is one type wrapper. */
  public static boolean isWrapper(JsonNode node) {
    if (node == null || !node.isObject() || node.size() != 1) {
      return false;
    }
    Map.Entry<String, JsonNode> e = node.properties().iterator().next();
    JsonNode v = e.getValue();
    return switch (e.getKey()) {
      case "S", "B" -> v.isTextual();
      case "N" -> v.isTextual() && isNumber(v.asText()) || v.isNumber();
      case "BOOL" -> v.isBoolean();
      case "NULL" -> v.isBoolean();
      case "M" -> v.isObject();
      case "L", "SS", "NS", "BS" -> v.isArray();
      default -> false;
    };
  }

  /** Whether every member of {@code item} is a type wrapper (a typed item, as DynamoDB's API writes it). */
  public static boolean isTypedItem(JsonNode item) {
    if (item == null || !item.isObject() || item.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : item.properties()) {
      if (!isWrapper(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** {@code node} with every type wrapper replaced by its plain value, at any depth. */
  public static JsonNode plain(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (isWrapper(node)) {
      Map.Entry<String, JsonNode> e = node.properties().iterator().next();
      JsonNode v = e.getValue();
      return switch (e.getKey()) {
        case "N" -> v.isNumber() ? v : number(v.asText());
        case "NULL" -> NODES.nullNode();
        case "M" -> plain(v);
        case "L" -> plain(v);
        case "NS" -> {
          ArrayNode a = NODES.arrayNode();
          v.forEach(n -> a.add(n.isNumber() ? n : number(n.asText())));
          yield a;
        }
        default -> v;
      };
    }
    if (node.isObject()) {
      ObjectNode o = NODES.objectNode();
      node.properties().forEach(e -> o.set(e.getKey(), plain(e.getValue())));
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = NODES.arrayNode();
      node.forEach(n -> a.add(plain(n)));
      return a;
    }
    return node;
  }

  private static boolean isNumber(String s) {
    try {
      new BigDecimal(s.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static JsonNode number(String s) {
    BigDecimal d = new BigDecimal(s.trim());
    try {
      return NODES.numberNode(d.longValueExact());
    } catch (ArithmeticException e) {
      return NODES.numberNode(d);
    }
  }
}
