package io.glasswatch.cli;

import io.glasswatch.cli.investigation.TimelineFormat;
import io.glasswatch.sinks.timeline.TimelineQueries;
import io.glasswatch.streams.policy.PolicyFile;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glasswatch timeline REQUEST_ID} prints one request's timeline in hash-chain order;
 * {@code glasswatch timeline account:ACCOUNT_ID [--since WHEN]} prints everything that happened in one
 * AWS account (its own correlation and every request's entries on it) in time order. Reads the
 * timeline indices in Elasticsearch as the administrator. Exit status 0 when entries were found, 1
 * when none were, 2 on invalid usage.
 */
@Command(name = "timeline", description = "Print a request's or an account's timeline from Elasticsearch.")
public final class TimelineCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REQUEST_ID|account:ACCOUNT_ID", description = "A request id, or account:<12-digit id>.")
  String target;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Account timelines only: an instant (2025-03-01T10:00:00Z), a date (2025-03-01, UTC) or a"
          + " duration back from now (24h, 7d, PT30M).")
  String since;

  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "table (default), json or markdown.")
  TimelineFormat format = TimelineFormat.TABLE;

  @Override
  public Integer call() {
    boolean account = target.startsWith("account:");
    if (since != null && !account) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--since applies to account timelines (account:ACCOUNT_ID) only");
    }
    Instant from = since == null ? null : parseSince(since, Instant.now());
    try (TimelineQueries q = new TimelineQueries(config.settings())) {
      List<Map<String, Object>> docs = account
          ? q.account(target.substring("account:".length()), from)
          : q.timeline(target);
      if (docs.isEmpty()) {
        spec.commandLine().getErr().println("glasswatch: no timeline entries for " + target
            + (from == null ? "" : " since " + from));
        return 1;
      }
      format.print(docs, System.out);
      return 0;
    }
  }

  /**
   * The instant {@code --since} names.
   *
   * @param text an ISO-8601 instant, an ISO date (midnight UTC), or a duration ({@code 24h}, {@code PT30M})
   * @param now the reference for durations
   * @throws IllegalArgumentException for anything else
   */
  static Instant parseSince(String text, Instant now) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      // not an instant
    }
    try {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      // not a date
    }
    try {
      return now.minus(PolicyFile.parseDuration(text));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--since: expected an instant (2025-03-01T10:00:00Z), a date (2025-03-01)"
          + " or a duration (24h, PT30M), got '" + text + "'", e);
    }
  }

  /** Converts {@code --format}. */
  static final class FormatConverter implements CommandLine.ITypeConverter<TimelineFormat> {
    @Override
    public TimelineFormat convert(String value) {
      try {
        return TimelineFormat.of(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected table, json or markdown, got '" + value + "'");
      }
    }
  }
}
