package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimelineCommandTest {
  private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");

  @Test
  void sinceTakesAnInstantADateOrADurationBackFromNow() {
    assertThat(TimelineCommand.parseSince("2025-03-01T10:00:00Z", NOW)).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
    assertThat(TimelineCommand.parseSince("2025-03-01", NOW)).isEqualTo(Instant.parse("2025-03-01T00:00:00Z"));
    assertThat(TimelineCommand.parseSince("24h", NOW)).isEqualTo(Instant.parse("2025-03-09T12:00:00Z"));
    assertThat(TimelineCommand.parseSince("PT30M", NOW)).isEqualTo(Instant.parse("2025-03-10T11:30:00Z"));
  }

  @Test
  void refusesAnythingElse() {
    assertThatThrownBy(() -> TimelineCommand.parseSince("yesterday", NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'yesterday'");
  }

  @Test
  void sinceIsForAccountTimelinesOnlyAndFormatsAreChecked() {
    assertThat(GlasswatchCli.execute("timeline", "REQ-1", "--since", "24h")).isEqualTo(2);
    assertThat(GlasswatchCli.execute("timeline", "account:123456789012", "--format", "yaml")).isEqualTo(2);
    assertThat(GlasswatchCli.execute("verify")).isEqualTo(2);
    assertThat(GlasswatchCli.execute("verify", "REQ-1", "--all")).isEqualTo(2);
    assertThat(GlasswatchCli.execute("evidence", "REQ-1")).isEqualTo(2);
  }
}
