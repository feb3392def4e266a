package io.glasswatch.producers.normalize.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
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
