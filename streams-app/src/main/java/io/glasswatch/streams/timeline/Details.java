package io.glasswatch.streams.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@code details} JSON object of a timeline entry: keys sorted, null values left out, so the
 * same facts always give the same text (and the same chain hash). Callers never put secrets here.
 */
public final class Details {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private final Map<String, Object> fields = new TreeMap<>();

  private Details() {}

  /** An empty object. */
  public static Details create() {
    return new Details();
  }

  /** Adds {@code key} unless {@code value} is null. Values: strings, numbers, booleans, lists or maps of those. */
  public Details put(String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  /** The compact JSON object, or null when no field was added. */
  public String toJson() {
    if (fields.isEmpty()) {
      return null;
    }
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write timeline details", e);
    }
  }
}
