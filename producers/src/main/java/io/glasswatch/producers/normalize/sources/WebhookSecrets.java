package io.glasswatch.producers.normalize.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.normalize.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JIT controller's webhook signing secret as it stores it in Secrets Manager
 * ({@code internal/auth/hmac.go} of {@code dgwhited/jit-aws-controller}): a plain string, whose key
 * id is {@code default}, or a JSON object {@code {"key id": "secret", ...}} for rotation. Secrets are
 * used as the literal string's UTF-8 bytes, never decoded.
 */
public final class WebhookSecrets {
  /** Key id of a secret given as a plain string. */
  public static final String DEFAULT_KEY_ID = "default";

  private WebhookSecrets() {}

  /**
   * Parses the stored secret.
   *
   * @param stored a plain string or a JSON object of non-empty strings
   * @return key id → secret bytes, in the object's order
   * @throws IllegalArgumentException for a blank value or a JSON object holding a non-string or empty value
   *     (the message never quotes a secret)
   */
  public static Map<String, byte[]> parse(String stored) {
    if (stored == null || stored.isBlank()) {
      throw new IllegalArgumentException("the webhook secret is empty");
    }
    String t = stored.trim();
    if (t.startsWith("{")) {
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(t);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("the webhook secret starts with '{' but is not a JSON object");
      }
      Map<String, byte[]> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!e.getValue().isTextual() || e.getValue().asText().isEmpty()) {
          throw new IllegalArgumentException("key id " + e.getKey() + " must map to a non-empty string");
        }
        out.put(e.getKey(), e.getValue().asText().getBytes(StandardCharsets.UTF_8));
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("the webhook secret object names no key id");
      }
      return out;
    }
    return Map.of(DEFAULT_KEY_ID, stored.getBytes(StandardCharsets.UTF_8));
  }
}
