package io.glasswatch.streams.input;

/**
 * An input record that deserialized but cannot be processed (for example a gateway {@code usage}
 * without a request id). Thrown by the input gates; the processing exception handler routes the
 * record's raw bytes to the dead-letter topic with this message as the reason and processing continues.
 */
public final class InvalidInputException extends RuntimeException {
  /** @param reason human-readable reason, e.g. "gateway event of type usage has no requestId" */
  public InvalidInputException(String reason) {
    super(reason);
  }
}
