package io.glasswatch.producers.normalize.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;

/**
 * Timestamp parsing of the input shapes. Every result is truncated to milliseconds, the precision
 * of the Avro {@code timestamp-millis} fields.
 *
 * <ul>
 *   <li>Gateway events ({@link #parseGateway}): ISO-8601 date-time with a zone, {@code Z} or an
 *       offset ({@code 2024-05-01T12:00:00Z}, {@code 2024-05-01T14:00:00.250+02:00}); a time
 *       without a zone is rejected, because the gateway contract says UTC.
 *   <li>AWS shapes ({@link #parseAws}): the same, plus a space instead of {@code T} and no zone
 *       meaning UTC ({@code 2023-01-10 21:04:02}, {@code 2025-02-25 20:40:06.000000000}, as written
 *       by data lakes and in GuardDuty exports), and JSON numbers as epoch seconds (the AWS JSON 1.1
 *       wire timestamp format, docs.aws.amazon.com/sdkref/latest/guide/feature-smithy-timestamps.html).
 * </ul>
 *
 * <p>Supported range: {@value #RANGE}, both ends included. An event time is a Kafka record timestamp,
 * which cannot be negative (a time before 1970 would be dropped by Kafka Streams), and epoch
 * milliseconds overflow a long for years beyond about 292 million; the last millisecond of year 9999,
 * {@link io.glasswatch.schema.Topics#END_OF_INPUT_TIME}, is the time of a replay's end-of-input tick, so an
 * input at or after it would be taken for the end of the input and is outside the range too. A time
 * outside the range is a {@link DateTimeParseException} whose message starts with {@value #OUT_OF_RANGE},
 * so the record is rejected naming its file, line and field instead of dropped or crashing the reader.
 */
public final class Timestamps {
  private static final DateTimeFormatter LENIENT = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .appendLiteral('T')
      .append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart()
      .parseLenient()
      .appendOffsetId()
      .parseStrict()
      .optionalEnd()
      .toFormatter()
      .withResolverStyle(ResolverStyle.STRICT)
      .withChronology(java.time.chrono.IsoChronology.INSTANCE);

  /** The supported range, as written in messages. */
  public static final String RANGE = "1970-01-01T00:00:00Z to 9999-12-31T23:59:59.998Z";
  /** Start of the message of a time outside {@link #RANGE}. */
  public static final String OUT_OF_RANGE = "outside the supported range";

  private static final Instant MIN = Instant.EPOCH;
  /** The latest supported time: one millisecond before the end-of-input tick's. */
  private static final Instant MAX = Instant.ofEpochMilli(io.glasswatch.schema.Topics.END_OF_INPUT_TIME - 1);

  private Timestamps() {}

  /** {@code t} when it is within {@link #RANGE}; otherwise a {@link DateTimeParseException}. */
  private static Instant inRange(Instant t, String text) {
    if (t.isBefore(MIN) || t.isAfter(MAX)) {
      throw new DateTimeParseException(OUT_OF_RANGE + " " + RANGE, text, 0);
    }
    return t;
  }

  /**
   * The two shapes nearly every record has, {@code 2024-05-01T12:00:00Z} (CloudTrail's
   * {@code eventTime}) and {@code 2024-05-01T12:00:00.250Z} (GuardDuty, gateways), read without the
   * formatter, which costs about a quarter of reading a CloudTrail record. Any other text, and any
   * value this path would have to judge (a year before 1970, a day the month does not have, an hour
   * past 23, lower-case letters), gives {@code null}, and the caller's formatter decides as before:
   * results and errors are the same with and without this path ({@code TimestampsTest}).
   *
   * @param s the text, untrimmed
   * @return the instant (within {@link #RANGE}), or {@code null} when the formatter must decide
   * @throws DateTimeParseException when the time is after {@link #RANGE}
   */
  static Instant utcFastPath(String s) {
    int n = s.length();
    if ((n != 20 && n != 24) || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':' || (n == 24 && s.charAt(19) != '.')) {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    int millis = n == 24 ? digits(s, 20, 3) : 0;
    if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || millis < 0 || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null;
    }
    long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
    return inRange(Instant.ofEpochMilli(epochSecond * 1_000L + millis), s);
  }

  /** The decimal number of {@code len} ASCII digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** " (outside the supported range ...)" when {@code e} is a range error, else "". */
  public static String rangeNote(DateTimeParseException e) {
    String m = e.getMessage();
    return m != null && m.startsWith(OUT_OF_RANGE) ? " (" + m + ")" : "";
  }

  /**
   * Parses a gateway timestamp: ISO-8601 with {@code Z} or an offset.
   *
   * @throws DateTimeParseException when the text is not such a date-time
   */
  public static Instant parseGateway(String text) {
    Instant fast = utcFastPath(text);
    if (fast != null) {
      return fast;
    }
    TemporalAccessor t = LENIENT.parse(text.trim());
    if (!t.isSupported(ChronoField.OFFSET_SECONDS)) {
      throw new DateTimeParseException("no zone or offset", text, 0);
    }
    try {
      return inRange(OffsetDateTime.from(t).toInstant().truncatedTo(ChronoUnit.MILLIS), text);
    } catch (DateTimeParseException e) {
      throw e;
    } catch (DateTimeException | ArithmeticException e) {
      throw new DateTimeParseException(OUT_OF_RANGE + " " + RANGE, text, 0);
    }
  }

  /**
   * Parses an AWS timestamp: ISO-8601 with {@code T} or a space, zone optional (UTC when absent).
   *
   * @throws DateTimeParseException when the text is not such a date-time
   */
  public static Instant parseAws(String text) {
    Instant fast = utcFastPath(text);
    if (fast != null) {
      return fast;
    }
    String s = text.trim();
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    TemporalAccessor t = LENIENT.parse(s);
    try {
      Instant i = t.isSupported(ChronoField.OFFSET_SECONDS)
          ? OffsetDateTime.from(t).toInstant()
          : LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
      return inRange(i.truncatedTo(ChronoUnit.MILLIS), text);
    } catch (DateTimeParseException e) {
      throw e;
    } catch (DateTimeException | ArithmeticException e) {
      throw new DateTimeParseException(OUT_OF_RANGE + " " + RANGE, text, 0);
    }
  }

  /**
   * Parses an AWS timestamp node: a string as in {@link #parseAws(String)}, or a number of epoch
   * seconds (fractions allowed).
   *
   * @throws DateTimeParseException when the node is neither
   */
  public static Instant parseAws(JsonNode node) {
    if (node.isNumber()) {
      double seconds = node.asDouble();
      if (!Double.isFinite(seconds) || Math.abs(seconds) > 1e13) {
        throw new DateTimeParseException(OUT_OF_RANGE + " " + RANGE, node.asText(), 0);
      }
      return inRange(Instant.ofEpochMilli(Math.round(seconds * 1000d)), node.asText());
    }
    if (!node.isTextual()) {
      throw new DateTimeParseException("not a string", Json.typeName(node), 0);
    }
    return parseAws(node.asText());
  }

  /** A value quoted for a message, shortened to 60 characters, with a hint when it is a placeholder. */
  public static String quote(String value) {
    String v = value.length() > 60 ? value.substring(0, 57) + "..." : value;
    String q = "'" + v + "'";
    String t = value.trim();
    if (t.equals("...") || t.startsWith("<") && t.endsWith(">") || t.startsWith("${")) {
      q += " (a placeholder, not a value)";
    }
    return q;
  }
}
