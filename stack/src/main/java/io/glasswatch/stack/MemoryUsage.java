package io.glasswatch.stack;

/**
 * Resident memory of one server's process tree (the server process and its descendants), read from
 * {@code /proc/<pid>/status} ({@code VmRSS} and {@code VmHWM}, see proc(5)).
 *
 * @param rssBytes current resident set size, bytes, summed over the tree
 * @param peakRssBytes peak resident set size ("high water mark"), bytes, summed over the tree
 */
public record MemoryUsage(long rssBytes, long peakRssBytes) {

  /** Current RSS in MiB, rounded down. */
  public long rssMiB() {
    return rssBytes / (1024 * 1024);
  }

  /** Peak RSS in MiB, rounded down. */
  public long peakRssMiB() {
    return peakRssBytes / (1024 * 1024);
  }
}
