package io.glasswatch.producers.ingest.aws;

import java.util.concurrent.TimeUnit;

/**
 * A client-side request rate limit: at most {@code perSecond} calls of {@link #acquire()} return per
 * second, evenly spaced ({@code 1/perSecond} apart), with no burst. CloudTrail's LookupEvents allows 2
 * requests per second per account and region (AWS CloudTrail API Reference, "LookupEvents"); one
 * limiter per account and region keeps a poller under it, retries included.
 *
 * <p>Twenty lines of our own rather than a rate-limiting library: one evenly spaced, blocking limit per
 * poller is all that is needed, and it is exact and testable with no dependency. Thread-safe.
 */
public final class RateLimiter {
  private final long intervalNanos;
  private long next;

  /**
   * A limiter.
   *
   * @param perSecond permits per second, above 0
   */
  public RateLimiter(double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be above 0, got " + perSecond);
    }
    this.intervalNanos = (long) (1_000_000_000L / perSecond);
    this.next = System.nanoTime();
  }

  /**
   * Blocks until the next permit is due.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  public void acquire() throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      if (next < now) {
        next = now;
      }
      wait = next - now;
      next += intervalNanos;
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
