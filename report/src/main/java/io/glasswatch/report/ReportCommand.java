package io.glasswatch.report;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.stack.SettingsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glasswatch report --from DATE --to DATE [--account ID] [--tenant T] --out FILE
 * [--format html|pdf] [--policy FILE] [--evidence-base URL]}: the access review of a period as one
 * self-contained file, read from Elasticsearch as the reader user
 * ({@link GlasswatchSettings#ES_READER_USER}).
 *
 * <p>{@code DATE} is a day ({@code 2025-01-01}, UTC) or an instant ({@code 2025-01-01T00:00:00Z});
 * {@code --to} with a day includes that whole day. The policy in force is {@code --policy FILE}, else
 * the setting {@code policy.file}, else the built-in defaults. Chains are read by {@link TimelineReader}
 * and reviewed by {@link ReportBuilder} on a second thread (at most {@value #QUEUED} chains waiting);
 * routine account activity is counted from an aggregation, not read ({@link TimelineReader#read(ReportScope,
 * java.util.function.BiConsumer, java.util.function.BiConsumer)}).
 * Progress goes to stderr, one line per batch of events; the last line on stdout names the file with
 * the read and render times.
 *
 * <p>Exit status: 0 when written; 2 on invalid usage, dates or policy file; 1 when Elasticsearch cannot
 * be read or the file cannot be written.
 */
@Command(name = "report", description = "Write the access review of a period (HTML or PDF) from the timeline.")
public final class ReportCommand implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "DATE", description = "First day (or instant) of the period, UTC.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last day of the period (included), or the instant it ends.")
  String to;

  @Option(names = "--account", paramLabel = "ID", description = "Only this AWS account.")
  String account;

  @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant.")
  String tenant;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (.html or .pdf).")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT", description = "html (default) or pdf.")
  String format = "html";

  @Option(names = "--policy", paramLabel = "FILE", description = "The policy in force (default: policy.file or built-in).")
  Path policyFile;

  @Option(names = "--evidence-base", paramLabel = "URL",
      description = "Where the evidence bundles are, relative to the report (default: beside it).")
  String evidenceBase = "";

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!fmt.equals("html") && !fmt.equals("pdf")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format: expected html or pdf, got '" + format + "'");
    }
    ReportScope scope;
    try {
      scope = new ReportScope(parse(from, false), parse(to, true), account, tenant);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    ReportSettings settings = ReportSettings.from(config.settings(), policyFile); // every problem at once
    PolicyInForce policy = settings.policyFile().map(PolicyInForce::load).orElseGet(PolicyInForce::builtIn);
    PrintStream progress = System.err;
    long t0 = System.nanoTime();
    ReportBuilder builder = new ReportBuilder(scope, policy, clock.instant());
    try (ElasticsearchConnection es = new ElasticsearchConnection(settings.elasticsearchUrl().toString(),
        settings.readerUser(), settings.readerPassword())) {
      TimelineReader reader = new TimelineReader(es.client(), settings.indexPrefix(),
          line -> progress.println("report: " + line));
      readAndReview(reader, scope, builder);
    }
    long t1 = System.nanoTime();
    Report report = builder.build(clock.instant());
    progress.printf(Locale.ROOT, "report: read and reviewed %d documents in %.1f s; rendering %d events as %s%n",
        report.documents(), (t1 - t0) / 1e9, report.events().size(), fmt.toUpperCase(Locale.ROOT));
    write(report, fmt, line -> progress.println("report: " + line));
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "report written to %s (%d events, %d alerts, %d timeline documents; read %.2f s, "
            + "render %.2f s)%n", out.toAbsolutePath(), report.events().size(), report.summary().alerts(),
        report.documents(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    return 0;
  }

  /**
   * One chain waiting for review, or a routine account correlation only counted ({@code routine}
   * documents, none read); {@link #END} ends the queue.
   */
  private record Chain(String id, List<Map<String, Object>> docs, long routine) {
    Chain(String id, List<Map<String, Object>> docs) {
      this(id, docs, -1);
    }
  }

  private static final Chain END = new Chain("", List.of());

  /**
   * Reads the chains and reviews them on a second thread, so reading the next page from Elasticsearch
   * overlaps with verifying and reviewing the last. At most {@value #QUEUED} chains wait, which bounds
   * memory; a failure on either side ends both and is rethrown here.
   */
  static void readAndReview(TimelineReader reader, ReportScope scope, ReportBuilder builder) {
    BlockingQueue<Chain> queue = new ArrayBlockingQueue<>(QUEUED);
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    Thread worker = Thread.ofPlatform().name("report-review").start(() -> {
      try {
        for (Chain c = queue.take(); c != END; c = queue.take()) {
          if (c.routine() >= 0) {
            builder.addRoutine(c.id(), c.routine());
          } else {
            builder.add(c.id(), c.docs());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failed.set(e);
        queue.clear();
      }
    });
    try {
      reader.read(scope, (id, docs) -> {
        if (failed.get() != null) {
          throw failed.get();
        }
        put(queue, new Chain(id, docs));
      }, (id, n) -> put(queue, new Chain(id, List.of(), n)));
      put(queue, END);
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the timeline", e);
    } finally {
      worker.interrupt();
    }
    if (failed.get() != null) {
      throw failed.get();
    }
  }

  private static void put(BlockingQueue<Chain> queue, Chain chain) {
    try {
      queue.put(chain);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the timeline", e);
    }
  }

  /** Chains read ahead of the review. */
  static final int QUEUED = 256;

  private void write(Report report, String fmt, java.util.function.Consumer<String> progress) {
    HtmlReport html = new HtmlReport();
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (fmt.equals("pdf")) {
        long t0 = System.nanoTime();
        PdfReport.write(html.render(report, evidenceBase, true, progress), out);
        progress.accept(String.format(Locale.ROOT, "PDF laid out in %.2f s", (System.nanoTime() - t0) / 1e9));
      } else {
        Files.writeString(out, html.render(report, evidenceBase, false, progress), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * A {@code --from}/{@code --to} value: an ISO-8601 instant, or a day (UTC) meaning its start, or for
   * the end of the period ({@code end} true) the start of the next day.
   *
   * @throws DateTimeParseException when it is neither
   */
  static Instant parse(String text, boolean end) {
    if (text.contains("T")) {
      return Instant.parse(text);
    }
    LocalDate day = LocalDate.parse(text);
    return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
