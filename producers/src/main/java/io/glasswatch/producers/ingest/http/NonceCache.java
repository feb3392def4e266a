package io.glasswatch.producers.ingest.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nonces of authenticated requests seen within the replay window, per key id. A nonce is kept
 * until its request's timestamp is more than the window in the past, after which the timestamp check
 * rejects a replay anyway; entries are pruned at most once per second. Per process: behind a load
 * balancer, route a key id to one instance or accept that a replay could reach another instance.
 * Thread-safe.
 */
final class NonceCache {
  private final long windowSeconds;
  private final Map<String, Long> seen = new ConcurrentHashMap<>();
  private final AtomicLong lastPrune = new AtomicLong();

  /** @param windowSeconds the accepted timestamp skew (nonces are kept for twice this) */
  NonceCache(long windowSeconds) {
    this.windowSeconds = windowSeconds;
  }

  /**
   * Records {@code nonce} of {@code keyId}.
   *
   * @param requestEpochSeconds the request's timestamp
   * @param nowEpochSeconds the server's clock
   * @return true when the nonce is new, false when it was seen (a replay)
   */
  boolean firstUse(String keyId, String nonce, long requestEpochSeconds, long nowEpochSeconds) {
    prune(nowEpochSeconds);
    return seen.putIfAbsent(keyId + '\n' + nonce, requestEpochSeconds + 2 * windowSeconds) == null;
  }

  private void prune(long now) {
    long last = lastPrune.get();
    if (now > last && lastPrune.compareAndSet(last, now)) {
      seen.values().removeIf(expiry -> expiry < now);
    }
  }

  /** Nonces held (tests, metrics). */
  int size() {
    return seen.size();
  }
}
