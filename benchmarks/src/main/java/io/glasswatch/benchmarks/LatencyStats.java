package io.glasswatch.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * Summary of a sample of latencies in milliseconds: count, p50, p99 and max by the nearest-rank
 * method (the p-th percentile of n sorted values is the value at rank {@code ceil(p/100 * n)},
 * 1-based), and the mean. Percentiles are therefore always observed values, never interpolated.
 *
 * @param count number of values
 * @param p50Millis median, ms
 * @param p99Millis 99th percentile, ms
 * @param maxMillis largest value, ms
 * @param meanMillis arithmetic mean, ms
 */
public record LatencyStats(int count, long p50Millis, long p99Millis, long maxMillis, double meanMillis) {

  /**
   * The statistics of a sample.
   *
   * @param millis latencies in milliseconds, any order; not modified; at least one value
   * @return the summary
   * @throws IllegalArgumentException when the sample is empty
   */
  public static LatencyStats of(long[] millis) {
    if (millis.length == 0) {
      throw new IllegalArgumentException("no latencies to summarize");
    }
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return new LatencyStats(sorted.length, percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1],
        sum / sorted.length);
  }

  /**
   * The statistics of a sample.
   *
   * @param millis latencies in milliseconds; at least one value
   * @return the summary
   * @throws IllegalArgumentException when the sample is empty
   */
  public static LatencyStats of(Collection<Long> millis) {
    return of(millis.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * Nearest-rank percentile of sorted values.
   *
   * @param sorted values in ascending order, at least one
   * @param p percentile, greater than 0 and at most 100
   * @return the value at rank {@code ceil(p/100 * n)}
   * @throws IllegalArgumentException when {@code p} is outside (0, 100] or there are no values
   */
  public static long percentile(long[] sorted, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(1, rank) - 1];
  }

  /**
   * One line, e.g. {@code "p50 41 ms, p99 180 ms, max 230 ms, mean 55.2 ms (n=200)"}.
   *
   * @return the summary as text
   */
  public String describe() {
    return String.format(Locale.ROOT, "p50 %d ms, p99 %d ms, max %d ms, mean %.1f ms (n=%d)", p50Millis, p99Millis,
        maxMillis, meanMillis, count);
  }
}
