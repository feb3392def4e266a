package io.glasswatch.producers.ingest.common;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The readiness checks of the ingest service ({@code GET /readyz}): each named check answers null when
 * ready, else a one-line problem (e.g. {@code kafka: not reachable}). Thread-safe.
 */
public final class Readiness {
  private final Map<String, Supplier<String>> checks = new ConcurrentHashMap<>();

  /** Adds or replaces the check {@code name}. */
  public void register(String name, Supplier<String> check) {
    checks.put(name, check);
  }

  /** The failing checks, name → problem; empty when ready. A check that throws counts as failing. */
  public Map<String, String> problems() {
    Map<String, String> out = new TreeMap<>();
    checks.forEach((name, check) -> {
      String p;
      try {
        p = check.get();
      } catch (RuntimeException e) {
        p = e.toString();
      }
      if (p != null) {
        out.put(name, p);
      }
    });
    return out;
  }
}
