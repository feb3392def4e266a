package io.glasswatch.catalogue;

import java.util.Locale;

/** What Glasswatch does about an alert, written in lower case on the wire ({@code page}, {@code notify}, {@code revoke}). */
public enum Action {
  /** Page the on-call responder. */
  PAGE,
  /** Send a notification that does not page. */
  NOTIFY,
  /** Issue revoke commands for the grants the alert names ({@code Alert.revokedRequestIds}). */
  REVOKE;

  /** The wire name: the constant in lower case, e.g. {@code revoke}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
