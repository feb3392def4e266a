package io.glasswatch.producers.normalize.core;

import java.util.Objects;

/**
 * Where a JSON value was read: the file (as given by the caller, or the name of an ingest path),
 * the 1-based line where the value starts, and for values inside a container an item index.
 *
 * <p>{@link #origin()} renders it as {@code <file>:<line>} or {@code <file>:<line>#<index>}; for an
 * item nested twice (e.g. the {@code Records} of the third element of a JSON array) the index is
 * dotted: {@code <file>:<line>#2.0}. Line 0 means the file as a whole (it could not be read).
 *
 * @param file input file path or ingest path name; never null
 * @param line 1-based line where the value starts, or 0 for the whole file
 * @param index item index within the enclosing array(s), dotted when nested, or null for a top-level value
 */
public record SourceRef(String file, long line, String index) {

  /** Validates that {@code file} is present and {@code line} is not negative. */
  public SourceRef {
    Objects.requireNonNull(file, "file");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, got " + line);
    }
  }

  /** A top-level value of {@code file} starting at {@code line}. */
  public static SourceRef of(String file, long line) {
    return new SourceRef(file, line, null);
  }

  /** The item {@code i} (0-based) of an array found in this value. */
  public SourceRef item(int i) {
    return new SourceRef(file, line, index == null ? Integer.toString(i) : index + "." + i);
  }

  /** {@code <file>:<line>} or {@code <file>:<line>#<index>}. */
  public String origin() {
    return index == null ? file + ":" + line : file + ":" + line + "#" + index;
  }

  @Override
  public String toString() {
    return origin();
  }
}
