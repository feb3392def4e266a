package io.glasswatch.streams.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.config.ConfigException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The problems of one policy file, each with the line of its key where known, sorted by line when
 * thrown as one {@link ConfigException}; the token scan that learns every key's line and reports
 * duplicate keys and further documents (which the tree model would silently collapse or ignore); and
 * how messages name values, unknown names and their nearest known name.
 */
final class PolicyProblems {
  private record Problem(Integer line, String text) {}

  final String source;
  final Map<String, Integer> lines = new HashMap<>();
  final List<Problem> list = new ArrayList<>();
  /** The base policy's own constructor messages, so overrides do not repeat them. */
  final Set<String> policyMessages = new HashSet<>();

  PolicyProblems(String source) {
    this.source = source;
  }

  void add(String path, String message, String linePath) {
    list.add(new Problem(lines.get(linePath), path.isEmpty() ? message : path + ": " + message));
  }

  void addAt(int line, String text) {
    list.add(new Problem(line, text));
  }

  /** A problem from the {@link Policy} constructor ({@code key: message}) of the policy at {@code prefix}. */
  void addPolicyProblem(String prefix, String message) {
    if (prefix.isEmpty()) {
      policyMessages.add(message);
    }
    int colon = message.indexOf(": ");
    String path = prefix + (colon < 0 ? message : message.substring(0, colon));
    String rest = colon < 0 ? "invalid" : message.substring(colon + 2);
    // the key's own line, else (a key the override does not set) the override's line
    Integer line = lines.get(path);
    if (line == null && !prefix.isEmpty()) {
      line = lines.get(prefix.substring(0, prefix.length() - 1));
    }
    list.add(new Problem(line, path + ": " + rest));
  }

  void throwIfAny() {
    if (list.isEmpty()) {
      return;
    }
    List<Problem> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparing(Problem::line, Comparator.nullsLast(Comparator.naturalOrder())));
    throw new ConfigException(sorted.stream()
        .map(p -> source + ": " + p.text() + (p.line() == null ? "" : " (line " + p.line() + ")"))
        .toList());
  }

  /**
   * Walks the YAML tokens once to learn the line of every key (for messages) and to report duplicate
   * keys and further documents, which the tree model would silently collapse or ignore.
   */
  static void scan(ObjectMapper yaml, String text, PolicyProblems problems) throws JsonProcessingException {
    record Frame(String path, boolean array, Set<String> seen, String[] field) {}
    try (JsonParser p = yaml.createParser(text)) {
      Deque<Frame> stack = new ArrayDeque<>();
      int documents = 0;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (stack.isEmpty() && ++documents == 2) {
          problems.addAt(p.currentTokenLocation().getLineNr(), "expected one YAML document, found a second one "
              + "(it would be ignored: merge it into the first)");
        }
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            Frame top = stack.peek();
            String path = top == null ? "" : top.array() ? top.path() : join(top.path(), top.field()[0]);
            stack.push(new Frame(path, t == JsonToken.START_ARRAY, new HashSet<>(), new String[1]));
          }
          case END_OBJECT, END_ARRAY -> stack.pop();
          case FIELD_NAME -> {
            Frame top = stack.peek();
            String name = p.currentName();
            String path = join(top.path(), name);
            int line = p.currentTokenLocation().getLineNr();
            top.field()[0] = name;
            if (!top.seen().add(name)) {
              problems.addAt(line, path + ": duplicate key (the first is on line " + problems.lines.get(path) + ")");
            } else {
              problems.lines.put(path, line);
            }
          }
          default -> { }
        }
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading YAML from a string failed", e);
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  static String unknown(String what, String name, List<String> known) {
    String nearest = nearest(name, known);
    return nearest != null
        ? "unknown " + what + ", did you mean " + nearest + "?"
        : "unknown " + what + "; expected one of " + String.join(", ", known);
  }

  /** The known name closest to {@code name} (ignoring case, '_' and '-'), if it is close enough to be a typo. */
  static String nearest(String name, List<String> known) {
    String n = normalize(name);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(n, normalize(k));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, n.length() / 4) ? best : null;
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Whether {@code v} is an empty value ({@code key:} with nothing after it reads as an empty string, {@code ~} as null). */
  static boolean isNothing(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() || v.isTextual() && v.textValue().isEmpty();
  }

  /** How a value is named in a message: {@code 'text'}, a number, {@code true}, {@code a list}, {@code a mapping}, {@code nothing}. */
  static String describe(JsonNode v) {
    if (isNothing(v)) {
      return "nothing";
    } else if (v.isTextual()) {
      return "'" + v.textValue() + "'";
    } else if (v.isArray()) {
      return "a list";
    } else if (v.isObject()) {
      return "a mapping";
    }
    return v.asText();
  }
}
