package io.glasswatch.producers.kafka;

/**
 * Kafka did not take every record: a send failed after the producer's own retries (bounded by
 * {@code delivery.timeout.ms}), or a value could not be serialized (e.g. the schema registry refused
 * or could not be reached). Carries what was acknowledged before the failure.
 */
public final class ProduceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ProduceReport partial;

  /**
   * A failure to produce.
   *
   * @param message what failed, with the first failing record's origin
   * @param partial counts of what was acknowledged
   * @param cause the first failure
   */
  public ProduceException(String message, ProduceReport partial, Throwable cause) {
    super(message, cause);
    this.partial = partial;
  }

  /** What was acknowledged before and despite the failure. */
  public ProduceReport partial() {
    return partial;
  }
}
