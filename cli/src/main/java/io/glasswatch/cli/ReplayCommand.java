package io.glasswatch.cli;

import io.glasswatch.alerts.oncall.AlertJson;
import io.glasswatch.producers.input.InputReader;
import io.glasswatch.producers.normalize.NormalizeResult;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.replay.Replayer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glasswatch replay [--alerts-out FILE] [--timeline-out FILE] [--policy FILE] INPUT...} (SPEC
 * section 5): replays files or directories through the production topology in this process, in event
 * time, applying the detection policy of {@code --policy} (default: {@code Policy.defaults()}).
 *
 * <p>Every input value is normalized as {@code glasswatch produce} would; the events are ordered by
 * event time (stable, so equal times keep file order), piped through the same
 * {@code GlasswatchTopology} in Kafka Streams' {@code TopologyTestDriver}, and followed by a clock
 * tick at the latest event time on every input topic, so every deadline up to that time is
 * evaluated. Alerts are written as JSON lines (SPEC section 3) to {@code --alerts-out} or stdout;
 * {@code --timeline-out} receives the hash-chained timeline as ECS documents, one per line.
 *
 * <p>Exit status: 0 on success; 2 when the policy file is unreadable or invalid (every problem on
 * stderr, nothing replayed), when an input is missing, or when some input could not be read or
 * recognized (each rejection is printed on stderr as {@code file:line: reason}, and the rest is
 * still replayed); 1 on other failures.
 */
@Command(name = "replay", description = "Replay input files through the topology in event time; print alerts as JSON lines.")
public final class ReplayCommand implements Callable<Integer> {
  @Option(names = "--alerts-out", paramLabel = "FILE", description = "Write alerts here (JSON lines) instead of stdout.")
  Path alertsOut;

  @Option(names = "--timeline-out", paramLabel = "FILE", description = "Write the timeline here (ECS JSON lines).")
  Path timelineOut;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Detection policy (YAML, see config/policy.yaml); default: the built-in defaults.")
  Path policyFile;

  @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Files or directories (JSON lines, JSON documents or arrays, .gz).")
  List<Path> inputs;

  @Override
  public Integer call() throws IOException {
    PolicySource policy = PolicySource.load(policyFile, null);
    for (Path p : inputs) {
      if (!Files.exists(p)) {
        System.err.println("glasswatch: " + p + ": no such file or directory");
        return 2;
      }
    }
    List<NormalizeResult.Normalized> events = new ArrayList<>();
    List<NormalizeResult.Rejected> rejected = new ArrayList<>();
    long[] skipped = {0};
    try {
      new InputReader().read(inputs, r -> {
        switch (r) {
          case NormalizeResult.Normalized n -> events.add(n);
          case NormalizeResult.Rejected x -> rejected.add(x);
          case NormalizeResult.Skipped s -> skipped[0]++;
        }
      });
    } catch (UncheckedIOException e) {
      System.err.println("glasswatch: " + e.getCause().getMessage());
      return 2;
    }
    events.sort(Comparator.comparing(NormalizeResult.Normalized::eventTime));
    List<InputRecord> records = events.stream()
        .map(n -> new InputRecord(n.topic(), n.key(), n.value(), n.eventTime())).toList();
    ReplayResult result = new Replayer(policy.policy()).replay(records);

    try (Writer w = alertsOut == null
        ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
        : Files.newBufferedWriter(alertsOut)) {
      for (Alert a : result.alerts()) {
        w.write(AlertJson.toJson(a));
        w.write('\n');
      }
      w.flush();
    }
    if (timelineOut != null) {
      try (Writer w = Files.newBufferedWriter(timelineOut)) {
        for (TimelineEntry e : result.timeline()) {
          w.write(new String(TimelineDocuments.toJson(TimelineDocuments.toDocument(e)), StandardCharsets.UTF_8));
          w.write('\n');
        }
      }
    }
    for (NormalizeResult.Rejected r : rejected) {
      System.err.println(r.describe());
    }
    System.err.printf("replayed %d events (%s), %d digest files skipped, %d rejected: %d alerts, "
            + "%d revoke commands, %d timeline entries%n",
        events.size(), result.inputCounts(), skipped[0], rejected.size(), result.alerts().size(),
        result.revokeCommands().size(), result.timeline().size());
    return rejected.isEmpty() ? 0 : 2;
  }
}
