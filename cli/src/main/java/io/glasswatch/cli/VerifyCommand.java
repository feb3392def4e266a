package io.glasswatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.glasswatch.cli.investigation.ChainReports;
import io.glasswatch.sinks.timeline.TimelineQueries;
import io.glasswatch.sinks.timeline.TimelineVerifier;
import io.glasswatch.sinks.timeline.TimelineVerifier.ChainReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glasswatch verify CORRELATION_ID} or {@code glasswatch verify --all}: reads every document of
 * the chain(s) from Elasticsearch, recomputes each hash ({@link TimelineVerifier}) and prints one line
 * per chain and one per edited, missing, reordered or otherwise broken entry, named by entry id. Exit
 * status 0 when every chain is intact, 1 when any problem was found or a named correlation has no
 * entries, 2 on invalid usage.
 */
@Command(name = "verify", description = "Recompute the timeline hash chains from Elasticsearch; exit 1 on any break.")
public final class VerifyCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Exactly one of a correlation id or {@code --all}. */
  static final class Target {
    @Parameters(paramLabel = "CORRELATION_ID", description = "A request id or account:<id>.")
    String correlationId;

    @Option(names = "--all", description = "Verify every chain in the timeline.")
    boolean all;
  }

  @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json (the chain proofs).")
  String format = "text";

  @Override
  public Integer call() throws Exception {
    if (!format.equals("text") && !format.equals("json")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format: expected text or json, got '" + format + "'");
    }
    List<ChainReport> reports = new ArrayList<>();
    try (TimelineQueries q = new TimelineQueries(config.settings())) {
      List<String> ids = target.all ? q.correlationIds() : List.of(target.correlationId);
      for (String id : ids) {
        reports.add(TimelineVerifier.verify(id, q.timeline(id)));
      }
    }
    if (format.equals("json")) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(reports.stream().map(ChainReports::proof).toList()));
    } else {
      ChainReports.lines(reports).forEach(System.out::println);
    }
    if (!target.all && reports.get(0).links().isEmpty()) {
      spec.commandLine().getErr().println("glasswatch: no timeline entries for " + target.correlationId);
      return 1;
    }
    return reports.stream().allMatch(ChainReport::intact) ? 0 : 1;
  }
}
