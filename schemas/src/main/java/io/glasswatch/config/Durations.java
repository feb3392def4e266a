package io.glasswatch.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every Glasswatch setting and file (policy, routing, {@code ingest.*},
 * {@code revoke.*}): ISO-8601 ({@code PT5M}, {@code PT24H}, {@code P30D}; {@link Duration#parse}, any
 * letter case) or numbers with units {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, one or
 * several in a row ({@code 500ms}, {@code 90s}, {@code 24h}, {@code 30d}, {@code 1h30m}).
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text} (surrounding blanks ignored).
   *
   * @return the duration, which may be zero (the callers decide what they accept)
   * @throws IllegalArgumentException when {@code text} is null, neither form, or overflows; the message
   *     quotes the text
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("not a duration: null");
    }
    String t = text.strip();
    try {
      if (!t.isEmpty() && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      Matcher m = SHORT.matcher(t);
      Duration d = Duration.ZERO;
      int end = 0;
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        d = d.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
        end = m.end();
      }
      if (end == 0 || end != t.length()) {
        throw new IllegalArgumentException("not a duration: '" + text + "'");
      }
      return d;
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: '" + text + "'", e);
    }
  }
}
