package io.glasswatch.streams.correlation;

import java.time.Instant;
import java.util.Objects;

/**
 * A deadline still open: an alert that will be raised at {@code dueAt} unless the evidence that satisfies
 * it arrives first (for example a ROTATION_OVERDUE due a day after a root session). Listed at the end of a
 * replay by {@link AccountCorrelator#openDeadlines}.
 *
 * @param alertType the catalogue type the deadline would raise
 * @param correlationId the request id, or {@code account:<id>}
 * @param dueAt when the deadline passes (event time)
 */
public record OpenDeadline(String alertType, String correlationId, Instant dueAt) {
  /** Checks that every field is present. */
  public OpenDeadline {
    Objects.requireNonNull(alertType, "alertType");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(dueAt, "dueAt");
  }
}
