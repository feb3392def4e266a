package io.glasswatch.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JDK Flight Recorder recording of one phase of the harness, and its summary by top frames.
 *
 * <p>The recording samples Java stacks ({@code jdk.ExecutionSample}) and threads in native code
 * ({@code jdk.NativeMethodSample}, e.g. RocksDB) every {@value #PERIOD_MS} ms. The summary counts, over
 * the samples of the threads that do the work ({@code threadFilter}): the top self frames (the method
 * on top of the stack), the top Glasswatch methods by inclusive share (the method anywhere in the
 * stack), and fixed cost categories by inclusive share (a sample counts for every category whose
 * classes appear in its stack, so categories overlap).
 */
final class Profiler {
  static final long PERIOD_MS = 5;

  /** A cost category: label and the stacks that belong to it. */
  record Category(String label, Predicate<List<String>> stack) {}

  private static Predicate<List<String>> any(String... prefixes) {
    return frames -> frames.stream().anyMatch(f -> {
      for (String p : prefixes) {
        if (f.startsWith(p)) {
          return true;
        }
      }
      return false;
    });
  }

  private static Predicate<List<String>> within(String outer, String... inner) {
    return any(outer).and(any(inner));
  }

  private static final String STAGE_A = "io.glasswatch.streams.correlation.RequestCorrelator.process";
  private static final String STAGE_B = "io.glasswatch.streams.correlation.AccountCorrelator.process";
  private static final String STAGE_C = "io.glasswatch.streams.timeline.TimelineChainer.process";
  private static final String JSON = "io.glasswatch.streams.state.JsonSerde";

  /** Categories of the summary, by frames in the stack. */
  static final List<Category> CATEGORIES = List.of(
      new Category("stage A: RequestCorrelator.process", any(STAGE_A)),
      new Category("stage B: AccountCorrelator.process", any(STAGE_B)),
      new Category("  state JSON (de)serialization in stage B", within(STAGE_B, JSON)),
      new Category("  RocksDB calls in stage B", within(STAGE_B, "org.rocksdb.")),
      new Category("  timeline drafts in stage B (TimelineDrafts, Details JSON)", within(STAGE_B, "io.glasswatch.streams.timeline.TimelineDraft")),
      new Category("  AWS session attribution in stage B (GrantSessions, SessionFacts; SPEC 1.6)",
          within(STAGE_B, "io.glasswatch.streams.correlation.GrantSessions", "io.glasswatch.streams.attribution.")),
      new Category("stage B punctuation: AccountCorrelator.evaluateAll", any("io.glasswatch.streams.correlation.AccountCorrelator.evaluateAll")),
      new Category("stage C: TimelineChainer.process", any(STAGE_C)),
      new Category("  hash (Hashing.timelineHash: canonical JSON + SHA-256)", within(STAGE_C, "io.glasswatch.schema.Hashing.timelineHash")),
      new Category("  chain head store get/put", within(STAGE_C, "org.apache.kafka.streams.state.internals.")),
      new Category("JSON state serde anywhere (JsonSerde, Jackson)", any(JSON)),
      new Category("Avro serde anywhere (embedded or Apicurio)", any("org.apache.avro.", "io.apicurio.")),
      new Category("RocksDB anywhere (JNI)", any("org.rocksdb.")),
      new Category("record collector send (changelog, repartition, output)", any("org.apache.kafka.streams.processor.internals.RecordCollectorImpl.send")),
      new Category("task commit (flush, checkpoint, transaction)", any("org.apache.kafka.streams.processor.internals.StreamTask.prepareCommit",
          "org.apache.kafka.streams.processor.internals.StreamTask.postCommit", "org.apache.kafka.streams.processor.internals.TaskExecutor.commit",
          "org.apache.kafka.streams.processor.internals.TaskManager.commit", "org.apache.kafka.clients.producer.KafkaProducer.commitTransaction")),
      new Category("Kafka consumer poll (including waiting for data)", any("org.apache.kafka.clients.consumer.")),
      new Category("Kafka producer send", any("org.apache.kafka.clients.producer.")),
      new Category("waiting in epoll (idle, or blocked on the network)", any("sun.nio.ch.EPoll.wait")),
      new Category("TopologyTestDriver capture / re-enqueue", any("org.apache.kafka.streams.TopologyTestDriver.captureOutputs")),
      new Category("logging", any("org.apache.logging.", "org.slf4j.")));

  private final String name;
  private final Path file;
  private final Recording recording;

  private Profiler(String name, Path file, Recording recording) {
    this.name = name;
    this.file = file;
    this.recording = recording;
  }

  /** Starts a recording named {@code name}, to be written to {@code dir/<name>.jfr}. */
  static Profiler start(String name, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Recording r = new Recording();
    r.setName(name);
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(PERIOD_MS));
    r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(PERIOD_MS));
    r.enable("jdk.GarbageCollection");
    r.start();
    return new Profiler(name, dir.resolve(name + ".jfr"), r);
  }

  /** Stops the recording and writes it; returns the file. */
  Path stop() {
    recording.stop();
    try {
      recording.dump(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      recording.close();
    }
    return file;
  }

  /** The name of the phase. */
  String name() {
    return name;
  }

  /**
   * Prints the summary of {@code jfr}.
   *
   * @param threadFilter the threads whose samples count (e.g. stream threads), by name
   * @param top how many rows of each list
   */
  static void summarize(Path jfr, Predicate<String> threadFilter, int top, PrintStream out) {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> categories = new LinkedHashMap<>();
    Map<String, Integer> nativeSelf = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    long gcNanos = 0;
    try (RecordingFile f = new RecordingFile(jfr)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        String type = e.getEventType().getName();
        if (type.equals("jdk.GarbageCollection")) {
          gcNanos += e.getDuration().toNanos();
          continue;
        }
        boolean java = type.equals("jdk.ExecutionSample");
        if (!java && !type.equals("jdk.NativeMethodSample")) {
          continue;
        }
        String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty() || thread == null || !threadFilter.test(thread)) {
          continue;
        }
        List<String> frames = new ArrayList<>(st.getFrames().size());
        for (RecordedFrame fr : st.getFrames()) {
          frames.add(fr.getMethod().getType().getName() + "." + fr.getMethod().getName());
        }
        threads.merge(threadGroup(thread), 1, Integer::sum);
        if (java) {
          samples++;
          self.merge(frames.get(0), 1, Integer::sum);
        } else {
          nativeSamples++;
          nativeSelf.merge(frames.get(0), 1, Integer::sum);
        }
        Set<String> seen = new HashSet<>(frames);
        for (String m : seen) {
          if (m.startsWith("io.glasswatch.")) {
            inclusive.merge(m, 1, Integer::sum);
          }
        }
        for (Category c : CATEGORIES) {
          if (c.stack().test(frames)) {
            categories.merge(c.label(), 1, Integer::sum);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jfr, e);
    }
    int all = samples + nativeSamples;
    out.printf(Locale.ROOT, "  profile %s: %d samples every %d ms (%d in Java, %d in native code), GC pauses %.2f s; threads %s%n",
        jfr.getFileName(), all, PERIOD_MS, samples, nativeSamples, gcNanos / 1e9, threads);
    if (all == 0) {
      return;
    }
    out.println("  cost categories (inclusive share of all samples; a sample may count in several):");
    for (Category c : CATEGORIES) {
      int n = categories.getOrDefault(c.label(), 0);
      out.printf(Locale.ROOT, "    %-62s %5.1f%%%n", c.label(), 100.0 * n / all);
    }
    out.println("  top self frames (Java):");
    printTop(self, all, top, out);
    out.println("  top self frames (native):");
    printTop(nativeSelf, all, Math.min(top, 8), out);
    out.println("  top Glasswatch methods (inclusive):");
    printTop(inclusive, all, top, out);
  }

  private static void printTop(Map<String, Integer> counts, int all, int top, PrintStream out) {
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
  }

  /** Whether {@code thread} is a Kafka Streams processing thread ({@code <client id>-StreamThread-<n>}), not one of its clients' I/O threads. */
  static boolean isStreamThread(String thread) {
    return thread.matches(".*-StreamThread-\\d+");
  }

  /** The thread filter of a recording by its name: the driving thread for {@code ttd-*}, else the stream threads. */
  static Predicate<String> threadsOf(Path jfr) {
    return jfr.getFileName().toString().startsWith("ttd") ? t -> t.equals("main") : Profiler::isStreamThread;
  }

  private static String threadGroup(String thread) {
    if (isStreamThread(thread)) {
      return "stream";
    } else if (thread.contains("producer-network")) {
      return "producer-network";
    } else if (thread.equals("main")) {
      return "main";
    }
    return "other";
  }
}
