package io.glasswatch.producers.normalize.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON helpers shared by the normalizers: one {@link ObjectMapper}, case-insensitive field lookup
 * (AWS shapes come camelCase, PascalCase, or lower-cased by data lakes), compact and canonical
 * rendering.
 */
public final class Json {
  /** The one mapper of the producers module; thread-safe once configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /**
   * The value of field {@code name} of {@code obj}, matching the name exactly first and then
   * ignoring case; null when {@code obj} is not an object or has no such field. A JSON null is
   * returned as null too.
   */
  public static JsonNode field(JsonNode obj, String name) {
    if (obj == null || !obj.isObject()) {
      return null;
    }
    JsonNode v = obj.get(name);
    if (v == null) {
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          v = e.getValue();
          break;
        }
      }
    }
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  /** {@link #field} applied along a path of names; null as soon as a step is absent. */
  public static JsonNode path(JsonNode obj, String... names) {
    JsonNode cur = obj;
    for (String n : names) {
      cur = field(cur, n);
      if (cur == null) {
        return null;
      }
    }
    return cur;
  }

  /** The text of a scalar node (strings as-is, numbers and booleans as written), else null. */
  public static String text(JsonNode node) {
    return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
  }

  /** {@link #text} of {@link #path}; blank strings count as absent (null). */
  public static String textAt(JsonNode obj, String... names) {
    String s = text(path(obj, names));
    return s == null || s.isBlank() ? null : s;
  }

  /** Whether {@code obj} has field {@code name} (ignoring case) with a non-null value. */
  public static boolean has(JsonNode obj, String name) {
    return field(obj, name) != null;
  }

  /** Compact JSON of {@code node} (no whitespace, keys in the order read). */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON tree", e);
    }
  }

  /** Compact JSON of {@code node} or null when the node is absent or JSON null. */
  public static String compactOrNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : compact(node);
  }

  /** Canonical JSON: compact, object keys sorted by code point at every depth. */
  public static String canonical(JsonNode node) {
    return compact(sorted(node));
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(String::compareTo);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (String n : names) {
        out.set(n, sorted(node.get(n)));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
      for (JsonNode item : node) {
        out.add(sorted(item));
      }
      return out;
    }
    return node;
  }

  /** Top-level field names of {@code obj} in input order, at most {@code max}, then "...". */
  public static String fieldList(JsonNode obj, int max) {
    if (obj == null || !obj.isObject()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (n == max) {
        sb.append(", ...");
        break;
      }
      if (n > 0) {
        sb.append(", ");
      }
      sb.append(name);
      n++;
    }
    return sb.toString();
  }

  /** A short JSON type name for messages: object, array, string, number, boolean or null. */
  public static String typeName(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    return switch (node.getNodeType()) {
      case OBJECT, POJO -> "object";
      case ARRAY -> "array";
      case STRING, BINARY -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      default -> "null";
    };
  }
}
