package io.glasswatch.producers.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of everything Glasswatch writes. A field is secret when its name, ignoring
 * case, is {@code tokenId}, {@code token_id}, {@code apiKey}, {@code api_key}, {@code privateKey}
 * or {@code private_key}, or ends in {@code token}, {@code secret} or {@code password} (so
 * {@code sessionToken} and {@code clientSecret} are secret, {@code PasswordUpdated} is not). Secret
 * values are replaced by {@value #REDACTED}.
 */
public final class Secrets {
  /** The text that replaces a secret value. */
  public static final String REDACTED = "[REDACTED]";

  private static final Set<String> EXACT =
      Set.of("tokenid", "token_id", "apikey", "api_key", "privatekey", "private_key");

  /** A JSON string key, the colon, and a value: a string (possibly cut off at the line end) or a bare scalar. */
  private static final Pattern KEY_VALUE = Pattern.compile(
      "\"((?:[^\"\\\\\\r\\n]|\\\\.)*)\"(\\s*:\\s*)(\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"?|[^\\s,}\\]\"]+)");

  private Secrets() {}

  /** Whether a field of this name holds a secret (see class Javadoc). */
  public static boolean isSecretField(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return EXACT.contains(n) || n.endsWith("token") || n.endsWith("secret") || n.endsWith("password");
  }

  /** Whether {@code node} has a secret field at any depth. */
  public static boolean containsSecret(JsonNode node) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (isSecretField(e.getKey()) || containsSecret(e.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        if (containsSecret(item)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A copy of {@code node} with every secret field's value replaced; {@code node} itself when it has none. */
  public static JsonNode redact(JsonNode node) {
    if (!containsSecret(node)) {
      return node;
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.set(e.getKey(), isSecretField(e.getKey())
            ? JsonNodeFactory.instance.textNode(REDACTED) : redact(e.getValue()));
      }
      return out;
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
    node.forEach(item -> out.add(redact(item)));
    return out;
  }

  /**
   * Redacts secret values in raw JSON text, which may be malformed or cut off (it is the text of a
   * rejected value): every {@code "name": value} pair whose name is secret gets {@value #REDACTED}
   * as its value. Returns {@code raw} itself when nothing was redacted.
   */
  public static byte[] redactRaw(byte[] raw) {
    if (raw.length == 0) {
      return raw;
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    Matcher m = KEY_VALUE.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    boolean changed = false;
    while (m.find()) {
      String name = m.group(1);
      if (isSecretField(unescape(name))) {
        m.appendReplacement(out, Matcher.quoteReplacement(
            "\"" + name + "\"" + m.group(2) + "\"" + REDACTED + "\""));
        changed = true;
      } else {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
      }
    }
    if (!changed) {
      return raw;
    }
    m.appendTail(out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String unescape(String jsonStringBody) {
    if (jsonStringBody.indexOf('\\') < 0) {
      return jsonStringBody;
    }
    try {
      return Json.MAPPER.readValue("\"" + jsonStringBody + "\"", String.class);
    } catch (java.io.IOException e) {
      return jsonStringBody;
    }
  }
}
