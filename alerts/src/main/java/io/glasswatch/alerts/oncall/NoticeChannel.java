package io.glasswatch.alerts.oncall;


/**
 * An on-call channel that renders {@link Notice}s in its own format. The {@link OnCallDispatcher}
 * gives every channel its own queue and thread, so a channel that is down never delays another.
 * A channel retries transient failures itself (timeouts, HTTP 429 honouring {@code Retry-After},
 * 5xx) with jittered backoff until its give-up time; it reports each attempt to the listener.
 */
public interface NoticeChannel extends AutoCloseable {

  /**
   * The channel's stable name, part of the delivery key {@code <notice key>|<name>}.
   *
   * @return a short lower-case name without {@code |}, e.g. {@code pagerduty}
   */
  String name();

  /**
   * Whether this channel delivers notices of this kind (PagerDuty, for instance, pages on alerts,
   * digests and storms and resolves incidents, but does not page on enforcement notices).
   *
   * @param kind the notice kind
   * @return true when {@link #deliver} would send it
   */
  default boolean supports(Notice.Kind kind) {
    return true;
  }

  /**
   * Delivers one notice.
   *
   * @param notice the notice
   * @param attempts told about every attempt and its outcome (never given secrets)
   * @return how many attempts the delivery took (at least 1)
   * @throws DeliveryException when the notice could not be delivered before the give-up time, or
   *     was rejected for good; the message never contains secrets
   */
  int deliver(Notice notice, AttemptListener attempts) throws DeliveryException;

  /** Releases the channel's resources (HTTP client, SMTP session); the default does nothing. */
  @Override
  default void close() {}

  /** Told about each delivery attempt. Implementations must be thread-safe and fast. */
  @FunctionalInterface
  interface AttemptListener {
    /** Ignores attempts. */
    AttemptListener NONE = (n, a, o, d) -> {};

    /**
     * One attempt finished.
     *
     * @param attempt attempt number, from 1
     * @param outcome {@code success}, or {@code failure}
     * @param detail what happened, free of secrets: {@code HTTP 202}, {@code HTTP 503}, {@code timed out}
     * @param millis how long the attempt took
     */
    void attempt(int attempt, String outcome, String detail, long millis);
  }
}
