package io.glasswatch.stack;

/**
 * A local stack server could not be prepared, started or stopped. The message names the
 * component, what was tried and, for a server that failed to start, the tail of its log file.
 */
public final class StackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a complete, human-readable message. */
  public StackException(String message) {
    super(message);
  }

  /** An error with a complete, human-readable message and its cause. */
  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
