package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.NormalizeResult;

/**
 * Thrown inside normalization when an input value is not a valid event; turned into a
 * {@link NormalizeResult.Rejected} by {@link Normalizer}. Messages never carry secret values.
 */
final class InvalidInput extends Exception {
  private static final long serialVersionUID = 1L;
  private final String field;

  /**
   * An invalid input.
   *
   * @param field JSON field to blame (dotted for nested fields), or null
   * @param reason human-readable reason
   */
  InvalidInput(String field, String reason) {
    super(reason, null, false, false);
    this.field = field;
  }

  /** The JSON field to blame, or null. */
  String field() {
    return field;
  }

  /** The reason. */
  String reason() {
    return getMessage();
  }
}
