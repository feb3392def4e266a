package io.glasswatch.producers.normalize.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Typed access to the fields of one native record; every problem is a {@link BadField} naming the
 * record's format and the field (prefixed when the object is nested, e.g. {@code detail.expiresAt}).
 *
 * @param obj the object read
 * @param format the format label used in messages
 * @param prefix prefix of field names in messages ({@code ""} or {@code "detail."})
 */
public record NativeFields(JsonNode obj, String format, String prefix) {

  /** Fields of a top-level object. */
  public static NativeFields of(JsonNode obj, String format) {
    return new NativeFields(obj, format, "");
  }

  /** The fields of the object in {@code name}; an empty object when it is absent or null. */
  public NativeFields nested(String name) throws BadField {
    JsonNode v = raw(name);
    if (v == null) {
      return new NativeFields(Json.MAPPER.createObjectNode(), format, prefix + name + ".");
    }
    if (!v.isObject()) {
      throw bad(name, "is not an object (got " + Json.typeName(v) + ")");
    }
    return new NativeFields(v, format, prefix + name + ".");
  }

  /** The value, or null when absent or JSON null. */
  public JsonNode raw(String name) {
    JsonNode v = obj.get(name);
    return v == null || v.isNull() ? null : v;
  }

  /** A problem with {@code name}. */
  public BadField bad(String name, String problem) {
    return new BadField(format, prefix + name, problem);
  }

  /** A string value; null when absent or blank. */
  public String string(String name) throws BadField {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw bad(name, "is not a string (got " + Json.typeName(v) + ")");
    }
    return v.asText().isBlank() ? null : v.asText();
  }

  /** A non-blank string value. */
  public String required(String name) throws BadField {
    String s = string(name);
    if (s == null) {
      throw bad(name, raw(name) == null ? "is missing" : "is empty");
    }
    return s;
  }

  /** A timestamp (ISO-8601 / RFC 3339 with a zone); null when absent. */
  public Instant time(String name) throws BadField {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw bad(name, "is not a timestamp (got " + Json.typeName(v) + ")");
    }
    try {
      return Timestamps.parseGateway(v.asText());
    } catch (DateTimeParseException e) {
      throw bad(name, "is not a timestamp: " + quote(v.asText())
          + " (expected ISO-8601 with a zone, e.g. 2026-12-06T21:08:10.006Z)");
    }
  }

  /** A required timestamp. */
  public Instant requiredTime(String name) throws BadField {
    Instant t = time(name);
    if (t == null) {
      throw bad(name, "is missing");
    }
    return t;
  }

  /** A boolean ({@code true}/{@code false}, also as a string); null when absent. */
  public Boolean bool(String name) throws BadField {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual() && ("true".equals(v.asText()) || "false".equals(v.asText()))) {
      return Boolean.parseBoolean(v.asText());
    }
    throw bad(name, "is not true or false (got " + (v.isValueNode() ? quote(v.asText()) : Json.typeName(v)) + ")");
  }

  /** A whole non-negative number, also as a decimal string; null when absent or blank. */
  public Long count(String name) throws BadField {
    JsonNode v = raw(name);
    if (v == null || v.isTextual() && v.asText().isBlank()) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
      return v.asLong();
    }
    if (v.isTextual() && v.asText().trim().matches("\\d{1,12}")) {
      return Long.parseLong(v.asText().trim());
    }
    throw bad(name, "is not a whole number of minutes (got "
        + (v.isValueNode() ? quote(v.asText()) : Json.typeName(v)) + ")");
  }

  /** A value quoted for a message, shortened to 60 characters. */
  public static String quote(String value) {
    return "'" + (value.length() > 60 ? value.substring(0, 57) + "..." : value) + "'";
  }
}
