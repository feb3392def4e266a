package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command's dates and usage errors (no Elasticsearch needed: they fail before any request). */
class ReportCommandTest {
  static int run(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new ReportCommand());
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void aDayMeansItsStartAndAsTheEndItsWholeDay() {
    assertThat(ReportCommand.parse("2025-01-01", false)).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(ReportCommand.parse("2025-03-31", true)).isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
    assertThat(ReportCommand.parse("2025-03-31T12:00:00Z", true)).isEqualTo(Instant.parse("2025-03-31T12:00:00Z"));
    assertThatThrownBy(() -> ReportCommand.parse("31/03/2025", false)).isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "--from", "2025-01-01", "--to", "2025-03-31", "--out", "x.html", "--format", "docx"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--format: expected html or pdf, got 'docx'");
  }

  @Test
  void aPeriodThatEndsBeforeItStartsOrAnUnreadableDateIsAUsageError() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "--from", "2025-03-31", "--to", "2025-01-01", "--out", "x.html")).isEqualTo(2);
    assertThat(err.toString()).contains("the period must end after it starts");
    StringWriter err2 = new StringWriter();
    assertThat(run(err2, "--from", "yesterday", "--to", "2025-01-01", "--out", "x.html")).isEqualTo(2);
    assertThat(err2.toString()).contains("yesterday");
  }

  @Test
  void theRequiredOptionsAreNamed() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "--from", "2025-01-01")).isEqualTo(2);
    assertThat(err.toString()).contains("--to", "--out");
  }
}
