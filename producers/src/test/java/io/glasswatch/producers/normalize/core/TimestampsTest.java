package io.glasswatch.producers.normalize.core;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void gatewayTimestampsNeedAZone() {
    assertThat(Timestamps.parseGateway("2024-05-01T12:00:00Z")).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    assertThat(Timestamps.parseGateway("2024-05-01T14:00:00.123456+02:00")).isEqualTo(Instant.parse("2024-05-01T12:00:00.123Z"));
    assertThatThrownBy(() -> Timestamps.parseGateway("2024-05-01T12:00:00")).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parseGateway("2024-02-30T12:00:00Z")).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parseGateway("yesterday")).isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void awsTimestampsAcceptDataLakeFormsAndEpochSeconds() {
    assertThat(Timestamps.parseAws("2023-01-10 21:04:02")).isEqualTo(Instant.parse("2023-01-10T21:04:02Z"));
    assertThat(Timestamps.parseAws("2025-02-25 20:40:06.000000000")).isEqualTo(Instant.parse("2025-02-25T20:40:06Z"));
    assertThat(Timestamps.parseAws("2021-11-18T09:41:02-08:00")).isEqualTo(Instant.parse("2021-11-18T17:41:02Z"));
    assertThat(Timestamps.parseAws(JsonNodeFactory.instance.numberNode(1637257262.5d)))
        .isEqualTo(Instant.parse("2021-11-18T17:41:02.500Z"));
    assertThatThrownBy(() -> Timestamps.parseAws("...")).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parseAws(JsonNodeFactory.instance.booleanNode(true)))
        .isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void theFastPathReadsBothUtcShapesAsTheFormatterDoes() {
    Random random = new Random(20261207L);
    long max = Instant.parse("9999-12-31T23:59:59.998Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochMilli(Math.floorMod(random.nextLong(), max + 1));
      String millis = t.toString().length() == 24 ? t.toString() : t.toString().replace("Z", ".000Z");
      String seconds = millis.substring(0, 19) + "Z";
      assertThat(Timestamps.utcFastPath(millis)).as(millis).isEqualTo(t);
      assertThat(Timestamps.utcFastPath(seconds)).as(seconds).isEqualTo(Instant.parse(seconds));
      assertThat(Timestamps.parseAws(millis)).isEqualTo(t);
      assertThat(Timestamps.parseGateway(seconds)).isEqualTo(Instant.parse(seconds));
    }
  }

  @Test
  void theFastPathLeavesEveryTextItWouldHaveToJudgeToTheFormatter() {
    for (String s : new String[] {"2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
        "2024-01-01T23:59:60Z", "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2024-01-01t00:00:00Z",
        "2024-01-01T00:00:00z", "2024-01-01 00:00:00Z", " 2024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00",
        "2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00,500Z", "2024-01-01T00:00:0xZ", "+2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00.12xZ"}) {
      assertThat(Timestamps.utcFastPath(s)).as(s).isNull();
    }
    assertThat(Timestamps.parseAws("2024-02-29T12:00:00Z")).isEqualTo(Instant.parse("2024-02-29T12:00:00Z"));
    assertThatThrownBy(() -> Timestamps.parseAws("2023-02-29T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parseAws("1969-12-31T23:59:59Z")).isInstanceOf(DateTimeParseException.class)
        .hasMessageStartingWith(Timestamps.OUT_OF_RANGE);
    assertThatThrownBy(() -> Timestamps.utcFastPath("9999-12-31T23:59:59.999Z"))
        .isInstanceOf(DateTimeParseException.class).hasMessageStartingWith(Timestamps.OUT_OF_RANGE);
    assertThat(Timestamps.parseAws("2024-01-01t00:00:00z")).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
  }

  @Test
  void aMutatedTimeTheFastPathAcceptsIsTheTimeTheIsoParserReads() {
    Random random = new Random(7L);
    String alphabet = "0123456789-:TZ.tz +x";
    for (int i = 0; i < 50_000; i++) {
      char[] c = (random.nextBoolean() ? "2024-02-28T23:59:59Z" : "2000-12-31T00:00:00.999Z").toCharArray();
      for (int k = random.nextInt(3) + 1; k > 0; k--) {
        c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      String s = new String(c);
      Instant fast;
      try {
        fast = Timestamps.utcFastPath(s);
      } catch (DateTimeParseException e) {
        continue;
      }
      if (fast != null) {
        assertThat(fast).as(s).isEqualTo(OffsetDateTime.parse(s).toInstant());
      }
    }
  }
}
