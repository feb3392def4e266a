package io.glasswatch.catalogue;

import java.util.Locale;

/** Alert severity, written in lower case on the wire ({@code critical}, {@code high}, {@code medium}, {@code low}). */
public enum Severity {
  /** Page now: an attacker may hold root or a revoke did not happen. */
  CRITICAL,
  /** Page: a policy breach that needs a human soon. */
  HIGH,
  /** Notify: a breach of hygiene. */
  MEDIUM,
  /** Notify: informational. */
  LOW;

  /** The wire name: the constant in lower case, e.g. {@code critical}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
