package io.glasswatch.streams.correlation;

/**
 * A progress mark of one gateway-side source as stage B receives it: everything {@code source} delivered
 * with event time at or before {@code time} was produced to partition {@code partition} of the gateway
 * topic before the mark, and stage A ({@link RequestCorrelator}) has passed on every grant fact of those
 * records before passing on the mark (README, "Source progress").
 *
 * @param source the source's id, as listed in the policy's {@code gatewaySources} (e.g. {@code ingest-http})
 * @param time epoch milliseconds UTC: the time up to which the source has produced everything
 * @param partition the gateway topic partition the mark came through (stage A's task)
 * @param partitions how many partitions the gateway topic had when the source sent the mark (it sends one
 *     mark to each), at least 1
 */
public record SourceProgress(String source, long time, int partition, int partitions) {
  /**
   * Validates the mark.
   *
   * @throws IllegalArgumentException when the source is blank, or the partition is not in {@code [0, partitions)}
   */
  public SourceProgress {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("source: expected a gateway source id, got '" + source + "'");
    }
    if (partitions < 1 || partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " of " + partitions + ": expected 0 <= partition"
          + " < partitions");
    }
  }
}
