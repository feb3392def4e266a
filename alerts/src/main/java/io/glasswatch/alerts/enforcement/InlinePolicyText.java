package io.glasswatch.alerts.enforcement;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Adds and removes one statement in the text of an IAM policy document without touching a byte of
 * anything else: the inline policy of a permission set or role belongs to whoever wrote it, and a
 * containment must leave it exactly as it found it.
 *
 * <p>Rule: {@link #merge} inserts {@code ,<statement>} right after the last element of the top-level
 * {@code Statement} array (or {@code <statement>} into an empty one, or creates
 * {@code {"Version":"2012-10-17","Statement":[<statement>]}} when there is no policy), so that
 * {@link #remove} of the same Sid, which cuts from the end of the previous element to the end of the
 * statement, gives back the original text byte for byte. A single-object {@code Statement} is
 * wrapped into an array ({@code [<original>,<statement>]}); its removal leaves the one-element array,
 * which IAM evaluates the same. A document whose only statement is removed is gone (the caller
 * deletes the inline policy: IAM rejects an empty statement list).
 *
 * <p>Format: IAM JSON policy reference, docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html.
 * Pure functions; the offsets come from Jackson's token locations (characters of the input).
 */
final class InlinePolicyText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InlinePolicyText() {}

  /** Text span of one element of the Statement array, with its Sid (null when it has none). */
  private record Element(int start, int end, String sid) {}

  /** Where the Statement value is: an array (with elements) or a single object, and the document's end. */
  private record Layout(boolean array, int valueStart, int valueEnd, List<Element> elements, int closingBrace) {}

  /**
   * The document with {@code statement} added, or {@code existing} itself when the same statement is already
   * there (idempotent); a different statement with the same Sid is replaced in place.
   *
   * @param existing the inline policy text, or null/blank for none
   * @param statement the statement, compact JSON with a {@code Sid}
   * @param sid the statement's Sid
   * @return the new document text
   * @throws IllegalArgumentException when {@code existing} is not a JSON object policy
   */
  static String merge(String existing, String statement, String sid) {
    if (existing == null || existing.isBlank()) {
      return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}";
    }
    Layout l = layout(existing);
    if (l == null) {
      int brace = lastBrace(existing);
      String before = existing.substring(0, brace).stripTrailing();
      String sep = before.endsWith("{") ? "" : ",";
      return existing.substring(0, brace) + sep + "\"Statement\":[" + statement + "]" + existing.substring(brace);
    }
    for (Element e : l.elements()) {
      if (sid.equals(e.sid())) {
        // the same statement again: unchanged; another of the same Sid (a containment cut short and run again
        // with a later deny time): replaced in place, every other byte kept
        return sameJson(existing.substring(e.start(), e.end()), statement) ? existing
            : existing.substring(0, e.start()) + statement + existing.substring(e.end());
      }
    }
    if (!l.array()) {
      return existing.substring(0, l.valueStart()) + "[" + existing.substring(l.valueStart(), l.valueEnd()) + ","
          + statement + "]" + existing.substring(l.valueEnd());
    }
    if (l.elements().isEmpty()) {
      return existing.substring(0, l.valueStart() + 1) + statement + existing.substring(l.valueStart() + 1);
    }
    int at = l.elements().getLast().end();
    return existing.substring(0, at) + "," + statement + existing.substring(at);
  }

  /**
   * The document without the statement {@code sid}.
   *
   * @param document the inline policy text
   * @param sid the Sid to remove
   * @return the new text; empty when no statement would remain (delete the policy); {@code document}
   *     itself when it has no such statement
   * @throws IllegalArgumentException when the text is not a JSON object policy
   */
  static Optional<String> remove(String document, String sid) {
    Layout l = layout(document);
    if (l == null) {
      return Optional.of(document);
    }
    List<Element> els = l.elements();
    for (int i = 0; i < els.size(); i++) {
      Element e = els.get(i);
      if (!sid.equals(e.sid())) {
        continue;
      }
      if (els.size() == 1) {
        return Optional.empty();
      }
      if (i > 0) {
        return Optional.of(document.substring(0, els.get(i - 1).end()) + document.substring(e.end()));
      }
      return Optional.of(document.substring(0, e.start()) + document.substring(els.get(1).start()));
    }
    return Optional.of(document);
  }

  /**
   * Whether the document holds a statement with this Sid.
   *
   * @param document the policy text, or null
   * @param sid the Sid
   * @return true when present
   */
  static boolean contains(String document, String sid) {
    return statement(document, sid).isPresent();
  }

  /**
   * The statement with this Sid, parsed.
   *
   * @param document the policy text, or null
   * @param sid the Sid
   * @return the statement, or empty
   */
  static Optional<JsonNode> statement(String document, String sid) {
    if (document == null || document.isBlank()) {
      return Optional.empty();
    }
    Layout l = layout(document);
    if (l == null) {
      return Optional.empty();
    }
    for (Element e : l.elements()) {
      if (sid.equals(e.sid())) {
        try {
          return Optional.of(JSON.readTree(document.substring(e.start(), e.end())));
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
      }
    }
    return Optional.empty();
  }

  /** Sids of every statement, in order (null for a statement without one). */
  static List<String> sids(String document) {
    Layout l = document == null || document.isBlank() ? null : layout(document);
    List<String> out = new ArrayList<>();
    if (l != null) {
      l.elements().forEach(e -> out.add(e.sid()));
    }
    return out;
  }

  private static boolean sameJson(String a, String b) {
    try {
      return JSON.readTree(a).equals(JSON.readTree(b));
    } catch (IOException e) {
      return false;
    }
  }

    private static int lastBrace(String text) {
    int i = text.lastIndexOf('}');
    if (i < 0) {
      throw new IllegalArgumentException("the inline policy is not a JSON object");
    }
    return i;
  }

  /** The layout of the top-level Statement, or null when the object has no Statement key. */
  private static Layout layout(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("the inline policy is not a JSON object");
      }
      Layout found = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("Statement".equals(name) && v == JsonToken.START_ARRAY) {
          int start = offset(p.currentTokenLocation().getCharOffset());
          List<Element> els = new ArrayList<>();
          JsonToken et;
          while ((et = p.nextToken()) != JsonToken.END_ARRAY) {
            int s = offset(p.currentTokenLocation().getCharOffset());
            String sid = null;
            if (et == JsonToken.START_OBJECT) {
              JsonNode node = JSON.readTree(p);
              sid = node.path("Sid").isTextual() ? node.path("Sid").asText() : null;
            } else {
              p.skipChildren();
            }
            els.add(new Element(s, offset(p.currentLocation().getCharOffset()), sid));
          }
          found = new Layout(true, start, offset(p.currentLocation().getCharOffset()), els, -1);
        } else if ("Statement".equals(name) && v == JsonToken.START_OBJECT) {
          int start = offset(p.currentTokenLocation().getCharOffset());
          JsonNode node = JSON.readTree(p);
          int end = offset(p.currentLocation().getCharOffset());
          String sid = node.path("Sid").isTextual() ? node.path("Sid").asText() : null;
          found = new Layout(false, start, end, List.of(new Element(start, end, sid)), -1);
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new IllegalArgumentException("the inline policy is not a JSON object");
      }
      return found;
    } catch (IOException e) {
      throw new IllegalArgumentException("the inline policy is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static int offset(long charOffset) {
    return Math.toIntExact(charOffset);
  }
}
