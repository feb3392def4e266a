package io.glasswatch.cli;

import io.glasswatch.alerts.oncall.AlertJson;
import io.glasswatch.producers.input.InputReader;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import io.glasswatch.streams.correlation.OpenDeadline;
import io.glasswatch.streams.replay.ConflictingDuplicates;
import io.glasswatch.streams.replay.EventTimeSorter;
import io.glasswatch.streams.replay.Handoff;
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
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glasswatch replay [--alerts-out FILE] [--timeline-out FILE] [--policy FILE]
 * [--max-record-bytes N] [--gateway-audit-key-file FILE] INPUT...} (SPEC section 5): replays files or
 * directories through the production topology in this process, in event time, applying the detection policy of
 * {@code --policy} (default: {@code Policy.defaults()}).
 *
 * <p>Every input value is normalized as {@code glasswatch produce} would; the events are ordered by
 * event time (stable, so equal times keep file order), piped through the same
 * {@code GlasswatchTopology} in Kafka Streams' {@code TopologyTestDriver}, and followed by a clock
 * tick at the latest event time on every input topic, so every deadline up to that time is
 * evaluated, then by the end-of-input tick, so every decision that only waited for late input is
 * taken (SPEC 5). Alerts are written as JSON lines (SPEC section 3) to {@code --alerts-out} or stdout;
 * {@code --timeline-out} receives the hash-chained timeline as ECS documents, one per line.
 *
 * <p>Streaming, in bounded memory whatever the input size: files are read record by record
 * ({@link InputReader}), ordered by an external merge sort ({@link EventTimeSorter}, runs of
 * {@value #SORT_BUFFER_MB} MiB in the temporary directory), replayed as they come off the merge, and
 * the outputs are written as the topology produces them ({@link Replayer#replay(Iterable,
 * Replayer.Output)}). A record above {@code --max-record-bytes} is rejected. Two cores are used: files
 * are read and normalized on one thread while the sort encodes on another ({@link Handoff}); the
 * replay merges the sort runs, runs the topology and writes the outputs on three (see
 * {@link Replayer}). What is printed, and in which order, does not depend on the threads.
 *
 * <p>Nothing is dropped in silence; on stderr, one line each, as {@code file:line: reason}: every
 * rejected input; every field of a kept record that could not be read as its type (the record is
 * replayed and judged from what can be read); every CloudTrail record that repeats an eventID and
 * event time with different content ({@link ConflictingDuplicates}; the topology judges both and
 * raises CONFLICTING_DUPLICATE); every record the topology sent to the dead-letter topic. Then one
 * summary line (with the identical duplicates the topology collapsed), and the deadlines still open
 * after the last event time (type, correlation id, due time), one per line.
 *
 * <p>The break-glass systems' records are read with the {@code sources.*} settings of the environment
 * ({@code GLASSWATCH_SOURCES_...}, {@link SourceSettings#fromEnvironment()}); the AuthZ gateway's audit
 * key can instead come from a file ({@code --gateway-audit-key-file}, {@link GatewayAuditKeyFile}),
 * which keeps it out of the process environment and the shell history. The key is never printed.
 *
 * <p>Exit status: 0 when every input was read cleanly; 2 when the policy file is unreadable or
 * invalid (every problem on stderr, nothing replayed), when the audit key file is unreadable or empty, when an input is missing, or when any of the
 * problems above was reported (the rest is still replayed); 1 on other failures.
 */
@Command(name = "replay", description = "Replay input files through the topology in event time; print alerts as JSON lines.")
public final class ReplayCommand implements Callable<Integer> {
  /** Size of one in-memory sort run. */
  static final int SORT_BUFFER_MB = 64;

  @Option(names = "--alerts-out", paramLabel = "FILE", description = "Write alerts here (JSON lines) instead of stdout.")
  Path alertsOut;

  @Option(names = "--timeline-out", paramLabel = "FILE", description = "Write the timeline here (ECS JSON lines).")
  Path timelineOut;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Detection policy (YAML, see config/policy.yaml); default: the built-in defaults.")
  Path policyFile;

  @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "" + InputReader.DEFAULT_MAX_RECORD_BYTES,
      description = "Reject any single record (JSON value or log-file element) larger than this; default: ${DEFAULT-VALUE}.")
  int maxRecordBytes;

  @Option(names = "--gateway-audit-key-file", paramLabel = "FILE",
      description = "The AuthZ gateway's audit HMAC key (its AUDIT_HMAC_KEY) from this file, so every signed audit.log"
          + " record is verified; wins over GLASSWATCH_SOURCES_AUTHZ_GATEWAY_AUDIT_SECRET. The key is never printed.")
  Path gatewayAuditKeyFile;

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
    SourceSettings sources;
    try {
      sources = GatewayAuditKeyFile.apply(SourceSettings.fromEnvironment(), gatewayAuditKeyFile);
    } catch (IllegalArgumentException e) {
      System.err.println("glasswatch: " + e.getMessage());
      return 2;
    }
    InputReader reader;
    try {
      reader = new InputReader(new Normalizer(sources), maxRecordBytes);
    } catch (IllegalArgumentException e) {
      System.err.println("glasswatch: --max-record-bytes: " + e.getMessage());
      return 2;
    }
    PrintStream err = System.err;
    long[] counts = new long[4]; // rejected, skipped, validation reports, topology dead letters
    try (EventTimeSorter sorter = new EventTimeSorter(Path.of(System.getProperty("java.io.tmpdir")),
        (long) SORT_BUFFER_MB << 20)) {
      // Reading and normalizing run on a thread of their own, sorting (encoding, sort runs) on this one.
      try (Handoff.Producing<NormalizeResult> read = Handoff.produce("glasswatch-replay-read", ReplayCommand::weigh,
          put -> reader.read(inputs, put::accept))) {
        while (read.hasNext()) {
          switch (read.next()) {
            case NormalizeResult.Normalized n -> {
              sorter.add(n.topic(), n.key(), n.value(), n.eventTime());
              for (NormalizeResult.Rejected v : n.validationReports()) {
                err.println(v.describe());
                counts[2]++;
              }
            }
            case NormalizeResult.Rejected x -> {
              err.println(x.describe());
              counts[0]++;
            }
            case NormalizeResult.Skipped s -> counts[1]++;
          }
        }
      } catch (UncheckedIOException e) {
        err.println("glasswatch: " + e.getCause().getMessage());
        return 2;
      }
      ConflictingDuplicates duplicates = new ConflictingDuplicates();
      Iterable<InputRecord> ordered = sorter.sorted();
      long[] outs = new long[3]; // alerts, revoke commands, timeline entries
      List<OpenDeadline> open = new ArrayList<>();
      Map<String, Long> inputCounts;
      try (Writer alerts = alertsOut == null
          ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
          : Files.newBufferedWriter(alertsOut);
          Writer timeline = timelineOut == null ? Writer.nullWriter() : Files.newBufferedWriter(timelineOut)) {
        inputCounts = new Replayer(policy.policy()).replay(ordered, new Replayer.Output() {
          @Override
          public void input(InputRecord r) {
            ConflictingDuplicates.Conflict c = duplicates.check(r.value());
            if (c != null) {
              err.println(c.describe());
            }
          }

          @Override
          public void alert(Alert a) {
            write(alerts, AlertJson.toJson(a));
            outs[0]++;
          }

          @Override
          public void revokeCommand(RevokeCommand c) {
            outs[1]++;
          }

          @Override
          public void timeline(TimelineEntry e) {
            if (timelineOut != null) {
              write(timeline, new String(TimelineDocuments.toJson(TimelineDocuments.toDocument(e)), StandardCharsets.UTF_8));
            }
            outs[2]++;
          }

          @Override
          public void deadLetter(ReplayResult.DeadLetter d) {
            err.println("dead-letter: " + d.sourceTopic() + " key " + d.key() + ": " + d.reason());
            counts[3]++;
          }

          @Override
          public void openDeadline(OpenDeadline d) {
            open.add(d);
          }
        });
        alerts.flush();
      }
      err.printf("replayed %d events (%s), %d digest files skipped, %d rejected, %d fields unreadable in kept records,"
              + " %d conflicting duplicates (%d identical duplicates collapsed), %d dead-lettered by the topology: %d alerts,"
              + " %d revoke commands, %d timeline entries%n",
          sorter.size(), inputCounts, counts[1], counts[0], counts[2], duplicates.conflicts(), duplicates.duplicates(),
          counts[3], outs[0], outs[1], outs[2]);
      err.printf("%d deadlines open after the last event%s%n", open.size(), open.isEmpty() ? "" : ":");
      for (OpenDeadline d : open) {
        err.printf("  %-20s %-40s due %s%n", d.alertType(), d.correlationId(), d.dueAt());
      }
      return counts[0] + counts[2] + counts[3] + duplicates.conflicts() == 0 ? 0 : 2;
    }
  }

  /** Approximate bytes a read result holds, to bound what waits between reading and sorting. */
  private static long weigh(NormalizeResult r) {
    return switch (r) {
      case NormalizeResult.Normalized n -> Handoff.weigh(n.value()) + 128L * n.validationReports().size();
      case NormalizeResult.Rejected x -> x.raw().length + 2L * x.reason().length() + 128;
      case NormalizeResult.Skipped s -> 128;
    };
  }

  private static void write(Writer w, String line) {
    try {
      w.write(line);
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
