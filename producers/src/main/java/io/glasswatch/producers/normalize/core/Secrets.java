package io.glasswatch.producers.normalize.core;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Keeps secrets out of everything Glasswatch writes. A field is secret when its name, ignoring
 * case, is {@code tokenId}, {@code token_id}, {@code apiKey}, {@code api_key}, {@code privateKey}
 * or {@code private_key}, or ends in {@code token}, {@code secret} or {@code password} (so
 * {@code sessionToken} and {@code clientSecret} are secret, {@code PasswordUpdated} is not). The
 * name is compared with every character other than ASCII letters, digits and {@code _} left out, so
 * an inserted or look-alike character (a non-ASCII letter inside {@code clientSecret}, {@code client-secret}) cannot hide
 * a secret. Secret values are replaced by {@value #REDACTED}.
 */
public final class Secrets {
  /** The text that replaces a secret value. */
  public static final String REDACTED = "[REDACTED]";

  private static final Set<String> EXACT =
      Set.of("tokenid", "token_id", "apikey", "api_key", "privatekey", "private_key");

  private Secrets() {}

  /** Whether a field of this name holds a secret (see class Javadoc). */
  public static boolean isSecretField(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 128 && (Character.isLetterOrDigit(c) || c == '_')) {
        b.append(c);
      }
    }
    String n = b.toString().toLowerCase(Locale.ROOT);
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
   * rejected value): the value of every {@code "name": value} pair whose name is secret (a string,
   * possibly unterminated at the line end; an object or array up to its matching bracket or the
   * end; or a bare scalar) becomes {@code "[REDACTED]"}. Every unescaped quote followed by a colon is
   * taken as the end of a name, so corrupt text (a lost quote or colon, a stray character between a name and its colon)
   * cannot hide a secret; a name
   * holding undecodable bytes counts as secret, and text inside a string that looks like a secret
   * pair is redacted too, which errs on the safe side. Returns {@code raw} itself when nothing
   * was redacted.
   */
  public static byte[] redactRaw(byte[] raw) {
    if (raw.length == 0) {
      return raw;
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      // every unescaped quote followed by a colon is taken as the end of a name, whatever the quote
      // parity says: rejected text may be corrupt (a lost quote or colon flips the parity), and a
      // secret must be found in it all the same
      if (text.charAt(i) != '"' || escaped(text, i)) {
        i++;
        continue;
      }
      int j = skipStray(text, i + 1);
      if (j >= n || !separates(text, i + 1, j) || !secretName(text, i)) {
        i++;
        continue;
      }
      int valueStart = text.charAt(j) == ':' ? skipSpace(text, j + 1) : j;
      int valueEnd = valueEnd(text, valueStart);
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, valueStart).append('"').append(REDACTED).append('"');
      copied = valueEnd;
      i = Math.max(valueEnd, valueStart + 1);
    }
    if (out == null) {
      return raw;
    }
    out.append(text, Math.min(copied, n), n);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Index of the closing quote of the JSON string whose body starts at {@code i}; or of the first CR
   * or LF, or the text length, when it is not closed on its line. A hand-written scan, not a regular
   * expression: Java's regex engine recurses once per character of an alternation and overflows the
   * stack on strings of a few thousand characters (a KMS key policy, for example).
   */
  private static int stringEnd(String t, int i) {
    int j = i;
    while (j < t.length()) {
      char d = t.charAt(j);
      if (d == '\\') {
        if (j + 1 < t.length() && (t.charAt(j + 1) == '\n' || t.charAt(j + 1) == '\r')) {
          return j + 1;
        }
        j += 2;
      } else if (d == '"' || d == '\n' || d == '\r') {
        return j;
      } else {
        j++;
      }
    }
    return t.length();
  }

  /**
   * Whether the name that ends with the quote at {@code end} is secret: the whole quoted name
   * (unescaped), or its trailing run of name characters (when its opening quote was lost), is a
   * secret name; or it holds undecodable bytes (U+FFFD), so that what it says cannot be known.
   */
  private static boolean secretName(String t, int end) {
    int k = end - 1;
    while (k >= 0 && (Character.isLetterOrDigit(t.charAt(k)) || t.charAt(k) == '_' || t.charAt(k) == '-')) {
      k--;
    }
    if (k >= 0 && t.charAt(k) == '\uFFFD' || isSecretField(t.substring(k + 1, end))) {
      return true;
    }
    int open = k;
    while (open >= 0 && (t.charAt(open) != '"' || escaped(t, open)) && t.charAt(open) != '\n') {
      open--;
    }
    if (open < 0 || t.charAt(open) != '"') {
      return false;
    }
    String name = t.substring(open + 1, end);
    return name.indexOf('\uFFFD') >= 0 || isSecretField(unescape(name));
  }

  /** Whether the character at {@code i} is preceded by an odd number of backslashes. */
  private static boolean escaped(String t, int i) {
    int k = i - 1;
    while (k >= 0 && t.charAt(k) == '\\') {
      k--;
    }
    return (i - 1 - k) % 2 == 1;
  }

  /**
   * Index of the first character at or after {@code i} that can end a name in corrupt text: a colon, a
   * quote, a bracket, a comma or a line end. What lies between (spaces, or a stray character such as
   * {@code "clientSecret"x:"..."}) cannot hide the secret that follows.
   */
  private static int skipStray(String t, int i) {
    int j = i;
    while (j < t.length() && ":\"{}[],\r\n".indexOf(t.charAt(j)) < 0) {
      j++;
    }
    return j;
  }

  /**
   * Whether the character at {@code j}, reached from a closing quote at {@code from - 1} over
   * {@link #skipStray stray characters}, makes that quote the end of a name: a colon; or, when the
   * colon was lost, the opening quote or bracket of the value ({@code "clientSecret" "..."}).
   */
  private static boolean separates(String t, int from, int j) {
    char c = t.charAt(j);
    return c == ':' || (j > from && (c == '"' || c == '{' || c == '['));
  }

  private static int skipSpace(String t, int i) {
    int j = i;
    while (j < t.length() && (t.charAt(j) == ' ' || t.charAt(j) == '\t' || t.charAt(j) == '\r' || t.charAt(j) == '\n')) {
      j++;
    }
    return j;
  }

  /** End (exclusive) of the JSON value starting at {@code i}, tolerating malformed or cut-off text. */
  private static int valueEnd(String t, int i) {
    if (i >= t.length()) {
      return i;
    }
    char c = t.charAt(i);
    if (c == '"') {
      int j = i + 1;
      while (j < t.length()) {
        char d = t.charAt(j);
        if (d == '\\') {
          j += 2;
        } else if (d == '"') {
          return j + 1;
        } else if (d == '\n' || d == '\r') {
          return j;
        } else {
          j++;
        }
      }
      return t.length();
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      boolean inString = false;
      for (int j = i; j < t.length(); j++) {
        char d = t.charAt(j);
        if (inString) {
          if (d == '\\') {
            j++;
          } else if (d == '"') {
            inString = false;
          }
        } else if (d == '"') {
          inString = true;
        } else if (d == '{' || d == '[') {
          depth++;
        } else if (d == '}' || d == ']') {
          depth--;
          if (depth == 0) {
            return j + 1;
          }
        }
      }
      return t.length();
    }
    int j = i;
    while (j < t.length() && ",}]\r\n".indexOf(t.charAt(j)) < 0) {
      j++;
    }
    return j;
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
