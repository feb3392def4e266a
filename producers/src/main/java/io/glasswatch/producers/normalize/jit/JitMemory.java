package io.glasswatch.producers.normalize.jit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the JIT controller's records have said about each request so far, so that a later record can
 * be completed: the requested duration ({@code REQUESTED}), the end time and the Identity Store
 * principal ({@code jit_requests}), the requester, and the time of each fact (for a webhook body read
 * without its delivery headers). Thread-safe; at most {@value #MAX_REQUESTS} requests, least recently
 * used forgotten.
 */
public final class JitMemory {
  /** Requests remembered. */
  public static final int MAX_REQUESTS = 100_000;

  /** What is known of one request; fields null until a record says them. */
  public static final class Info {
    Long requestedMinutes;
    Instant endTime;
    String principalId;
    String requester;
    String accountId;
    Instant lastSeen;
    final Map<String, Instant> factTimes = new LinkedHashMap<>();
  }

  private final Map<String, Info> requests = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Info> eldest) {
      return size() > MAX_REQUESTS;
    }
  };

  /** Runs {@code f} on the request's entry (created when absent) under the memory's lock. */
  public synchronized <T> T with(String requestId, java.util.function.Function<Info, T> f) {
    return f.apply(requests.computeIfAbsent(requestId, k -> new Info()));
  }

  /** The number of requests remembered. */
  public synchronized int size() {
    return requests.size();
  }
}
