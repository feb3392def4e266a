package io.glasswatch.streams.timeline;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Helpers for ECS field values (www.elastic.co/guide/en/ecs/current/ecs-field-reference.html).
 * {@code source.ip} is an {@code ip} field in ECS: a value that is not an IP literal (CloudTrail writes
 * service names such as {@code sso.amazonaws.com} or {@code AWS Internal} into {@code sourceIPAddress})
 * would be rejected by Elasticsearch, so it is left out.
 */
public final class Ecs {
  /** ECS {@code event.outcome} value for success. */
  public static final String SUCCESS = "success";
  /** ECS {@code event.outcome} value for failure. */
  public static final String FAILURE = "failure";
  /** ECS {@code event.outcome} value when the outcome is unknown or does not apply. */
  public static final String UNKNOWN = "unknown";

  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private Ecs() {}

  /**
   * {@code value} when it is an IPv4 or IPv6 literal, else null. Never performs a DNS lookup.
   *
   * @param value candidate, e.g. {@code 192.0.2.1}, {@code 2001:db8::1}, or {@code sso.amazonaws.com}
   */
  public static String ipOrNull(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (isIpv4(v)) {
      return v;
    }
    if (v.indexOf(':') >= 0 && IPV6_CHARS.matcher(v).matches()) {
      try {
        // a string containing ':' is parsed as an IPv6 literal, never resolved
        InetAddress.getByName(v);
        return v;
      } catch (UnknownHostException | IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * Whether {@code v} is a dotted-quad IPv4 literal: four decimal parts of 0 to 255 joined by '.', no
   * leading zeros (the regular expression
   * {@code ((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)}, without the
   * cost of a matcher for every timeline entry).
   */
  static boolean isIpv4(String v) {
    int n = v.length();
    int i = 0;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= n || v.charAt(i) != '.') {
          return false;
        }
        i++;
      }
      int start = i;
      int value = 0;
      while (i < n && i - start < 4 && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
        value = value * 10 + (v.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && v.charAt(start) == '0')) {
        return false;
      }
    }
    return i == n;
  }
}
