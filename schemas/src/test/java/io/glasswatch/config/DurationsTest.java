package io.glasswatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "90s, PT1M30S", "15m, PT15M", "24h, PT24H", "30d, PT720H", "1h30m, PT1H30M",
      "' 2h ', PT2H", "PT5M, PT5M", "pt5m, PT5M", "P1D, PT24H", "0s, PT0S"})
  void parsesUnitsAndIso8601(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "m", "1x", "1h 30m", "h1", "PT", "99999999999999999999d", "-5m"})
  void rejectsAnythingElseQuotingTheText(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
