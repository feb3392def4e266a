package io.glasswatch.producers.input;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.normalize.core.SourceRef;
import java.util.Objects;

/**
 * One JSON value read from an input file: a top-level value, or one element of a top-level array.
 *
 * @param source file, 1-based line where the value starts, and for array elements the index
 * @param value the parsed value
 * @param raw the value's bytes exactly as read (UTF-8 JSON text); secrets are not yet redacted, so
 *     this must not be written anywhere before {@link io.glasswatch.producers.normalize.Normalizer}
 *     has judged it
 * @param container for an element of a leading {@code Records}, {@code Events} or {@code Findings}
 *     array of a document, that field's name; null for a top-level value or array element
 */
public record SourceValue(SourceRef source, JsonNode value, byte[] raw, String container) {
  /** A top-level value, or an element of a top-level array. */
  public SourceValue(SourceRef source, JsonNode value, byte[] raw) {
    this(source, value, raw, null);
  }

  /** Validates that every component is present. */
  public SourceValue {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(raw, "raw");
  }

  @Override
  public String toString() {
    return "SourceValue[" + source.origin() + ", " + raw.length + " bytes]";
  }
}
