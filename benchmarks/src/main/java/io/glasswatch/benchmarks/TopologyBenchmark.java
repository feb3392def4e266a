package io.glasswatch.benchmarks;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * The benchmark of the whole Glasswatch topology: a main class that prints its figures as tables.
 *
 * <ol>
 *   <li>events per second through a TopologyTestDriver ({@link DriverBenchmark}), with
 *       {@code --open-requests} open requests preloaded into state and a warm-up first;
 *   <li>with {@code --broker}, events per second on the real broker with exactly-once
 *       ({@link BrokerBenchmark});
 *   <li>state-store size against open requests, and after they close and the retention passes
 *       ({@link DriverBenchmark}).
 * </ol>
 *
 * <p>Every figure is printed with the load average of the machine at the time. {@code --profile DIR}
 * records the measured phases with JFR and prints their top frames. Run it with
 * {@code benchmarks/run.sh [options]} (see {@link BenchmarkOptions#USAGE}).
 */
public final class TopologyBenchmark {
  private TopologyBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args see {@link BenchmarkOptions#USAGE}
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--summarize")) {
      for (int i = 1; i < args.length; i++) {
        java.nio.file.Path jfr = java.nio.file.Path.of(args[i]);
        Profiler.summarize(jfr, Profiler.threadsOf(jfr), 20, System.out);
      }
      return;
    }
    BenchmarkOptions options;
    try {
      options = BenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    PrintStream out = System.out;
    out.printf(Locale.ROOT, "Glasswatch topology benchmark, %s%n", Instant.now());
    out.printf(Locale.ROOT, "machine: %d cores (%s), Java %s, max heap %d MiB, load average %s%n", Machine.cores(),
        Machine.cpuModel(), Runtime.version(), Runtime.getRuntime().maxMemory() >> 20, Machine.loadAverage());
    out.printf(Locale.ROOT, "workload: seed %d, %,d accounts, %,.0f background records/s of event time, break-glass share %.2f%%, "
            + "root share of lifecycles %.0f%%, violations %.0f%% of JIT lifecycles; %,d open requests preloaded%n",
        options.workload().seed(), options.workload().accounts(), options.workload().backgroundRate(),
        100 * options.workload().breakGlassShare(), 100 * options.workload().rootShare(),
        100 * options.workload().violationShare(), options.openRequests());
    DriverBenchmark.Result ttd = null;
    BrokerBenchmark.Result broker = null;
    if (options.ttd()) {
      ttd = new DriverBenchmark(options, out).run();
    }
    if (options.broker()) {
      broker = new BrokerBenchmark(options, out).run();
    }
    out.printf(Locale.ROOT, "%n== Summary%n");
    if (ttd != null) {
      out.printf(Locale.ROOT, "  TopologyTestDriver: %,.0f events/s (%,d events after %,d warm-up, %,d open requests; "
              + "driving thread CPU %.1f us/event) [load %s -> %s]%n", ttd.eventsPerSecond(), ttd.events(), options.warmup(),
          options.openRequests(), 1e6 * ttd.cpuSeconds() / ttd.events(), ttd.loadBefore(), ttd.loadAfter());
    }
    if (broker != null) {
      broker.printSummary(out);
    }
    out.printf(Locale.ROOT, "  load average at the end: %s%n", Machine.loadAverage());
  }
}
