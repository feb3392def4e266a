package io.glasswatch.alerts.oncall;

/**
 * An alert could not be delivered to a channel. {@link #permanent()} tells a rejection that
 * retrying cannot fix (for the webhook: HTTP 4xx other than 429) from transient failures whose
 * retries were exhausted (timeouts, connection errors, 429, 5xx). The message names the channel,
 * the attempts made and the last cause, and never contains secrets.
 */
public final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;
  /** Channel name. */
  private final String channel;
  /** Attempts made. */
  private final int attempts;
  /** Whether retrying cannot help. */
  private final boolean permanent;
  /** Last HTTP status, or -1. */
  private final int lastStatus;

  /**
   * Creates the exception; the message becomes {@code <channel> delivery failed after <n> attempt(s): <message>}.
   *
   * @param channel channel name, e.g. {@code webhook}
   * @param attempts attempts made, at least 1
   * @param permanent whether the receiver rejected the alert for good
   * @param lastStatus HTTP status of the last response, or -1 when none was received
   * @param message what happened, free of secrets
   */
  public DeliveryException(String channel, int attempts, boolean permanent, int lastStatus, String message) {
    super(channel + " delivery failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + message);
    this.channel = channel;
    this.attempts = attempts;
    this.permanent = permanent;
    this.lastStatus = lastStatus;
  }

  /**
   * The channel name.
   *
   * @return the channel name
   */
  public String channel() {
    return channel;
  }

  /**
   * Attempts made, at least 1.
   *
   * @return attempts made, at least 1
   */
  public int attempts() {
    return attempts;
  }

  /**
   * True when the receiver rejected the alert and retrying cannot help.
   *
   * @return true when the receiver rejected the alert and retrying cannot help
   */
  public boolean permanent() {
    return permanent;
  }

  /**
   * HTTP status of the last response, or -1 when no response arrived (timeout, connection error).
   *
   * @return HTTP status of the last response, or -1 when no response arrived (timeout, connection error)
   */
  public int lastStatus() {
    return lastStatus;
  }
}
