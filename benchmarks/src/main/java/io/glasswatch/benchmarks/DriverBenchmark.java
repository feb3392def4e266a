package io.glasswatch.benchmarks;

import io.glasswatch.streams.correlation.RequestCorrelator;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.timeline.TimelineChainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Parts 1 and 3 of the benchmark, in one {@link DriverHarness}: events per second of the whole topology
 * in a TopologyTestDriver, and the size of the state stores against the number of open requests.
 *
 * <p>Sequence (event time): open requests are preloaded in steps (their request, two approvals and
 * grant; grants expire 40 min after the workload starts) and the stores measured after each step; then
 * {@code warmup} records of the {@link Workload}, then {@code events} timed records; then every
 * lifecycle still scheduled is played out and every open request expires (stores measured 2 h of event
 * time later, "closed"), and stream time jumps past the state retention and purge interval (stores
 * measured again, "closed + retention"). Only piping is timed: serialization (embedded Avro) and reading
 * the driver's captured output happen between timed chunks.
 */
final class DriverBenchmark {
  /** Records per timed chunk (serialized before, drained after). */
  static final int CHUNK = 10_000;

  /** One row of the state-size table. */
  record StateRow(String label, long openRequests, List<DriverHarness.StoreSize> stores) {
    long keys() {
      return stores.stream().mapToLong(DriverHarness.StoreSize::keys).sum();
    }

    long logicalBytes() {
      return stores.stream().mapToLong(DriverHarness.StoreSize::logicalBytes).sum();
    }

    long sstBytes() {
      return stores.stream().mapToLong(DriverHarness.StoreSize::sstBytes).sum();
    }
  }

  /** What the driver run measured. */
  record Result(long preloadRecords, double preloadSeconds, long events, double seconds, double cpuSeconds, String loadBefore,
      String loadAfter, Map<String, long[]> writtenPerTopic, long backgroundEvents, long lifecycleEvents,
      List<StateRow> state) {
    double eventsPerSecond() {
      return events / seconds;
    }
  }

  private final BenchmarkOptions options;
  private final PrintStream out;

  DriverBenchmark(BenchmarkOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  Result run() {
    Instant t0 = options.workload().start();
    int open = options.openRequests();
    Instant preloadFrom = Workload.openRequestsFrom(t0, open);
    Instant expiresAt = t0.plusMillis((long) (1000 * (options.warmup() + options.ttdEvents()) / options.workload().backgroundRate()))
        .plus(Duration.ofMinutes(2));
    Path dir = options.workDir().resolve("ttd-state-" + System.currentTimeMillis());
    List<StateRow> state = new ArrayList<>();
    out.printf(Locale.ROOT, "%n== Part 1 and 3: TopologyTestDriver (embedded Avro, at_least_once, RocksDB state in %s)%n", dir);
    try (DriverHarness h = new DriverHarness(dir, Policy.defaults(), preloadFrom)) {
      // preload open requests in steps, measuring the stores after each
      long loaded = 0;
      long preloadRecords = 0;
      long preloadNanos = 0;
      List<Long> steps = new ArrayList<>(options.stateSteps().stream().filter(s -> s <= open).toList());
      if (steps.isEmpty() || steps.get(steps.size() - 1) != open) {
        steps.add((long) open);
      }
      for (long step : steps) {
        Iterator<InputRecord> it = Workload.openRequests(loaded, step - loaded,
            preloadFrom.plusMillis(loaded * Workload.OPEN_SPACING_MS), expiresAt, options.workload().accounts());
        long start = System.nanoTime();
        preloadRecords += pipeAll(h, it);
        preloadNanos += System.nanoTime() - start;
        loaded = step;
        if (options.stateSteps().contains(step) || step == open) {
          state.add(new StateRow(String.format(Locale.ROOT, "%,d open", step), step, h.storeSizes()));
          out.printf(Locale.ROOT, "  preloaded %,d open requests (%,d gateway records, %.0f records/s so far; load %s)%n",
              step, preloadRecords, preloadRecords / (preloadNanos / 1e9), Machine.loadAverage());
        }
      }

      out.printf(Locale.ROOT, "  open grants last %s (from %s to %s; policy maxGrantDuration %s)%n",
          Duration.between(preloadFrom, expiresAt), preloadFrom, expiresAt, Policy.defaults().maxGrantDuration());
      Workload workload = new Workload(options.workload());
      long warmNanos = System.nanoTime();
      pipeAll(h, workload.preRoll().iterator());
      pipeCount(h, workload, options.warmup());
      out.printf(Locale.ROOT, "  warm-up: %,d pre-roll lifecycle records (%d min before the start) and %,d records in %.1f s (load %s)%n",
          workload.preRoll().size(), Workload.PRE_ROLL_MINUTES, options.warmup(), (System.nanoTime() - warmNanos) / 1e9,
          Machine.loadAverage());
      Map<String, long[]> before = h.writtenSnapshot();
      long bg0 = workload.backgroundCount();
      long lc0 = workload.lifecycleCount();
      String loadBefore = Machine.loadAverage();
      Profiler profiler = options.profileDir() == null ? null : Profiler.start("ttd-measure", options.profileDir());
      long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long nanos = pipeCount(h, workload, options.ttdEvents());
      Path jfr = profiler == null ? null : profiler.stop();
      String loadAfter = Machine.loadAverage();
      long cpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
      Map<String, long[]> after = h.writtenSnapshot();
      Map<String, long[]> delta = new java.util.TreeMap<>();
      after.forEach((t, v) -> {
        long[] b = before.getOrDefault(t, new long[2]);
        delta.put(t, new long[] {v[0] - b[0], v[1] - b[1]});
      });
      Result partial = new Result(preloadRecords, preloadNanos / 1e9, options.ttdEvents(), nanos / 1e9, cpuNanos / 1e9,
          loadBefore, loadAfter, delta, workload.backgroundCount() - bg0, workload.lifecycleCount() - lc0, state);
      printThroughput(partial);
      if (jfr != null) {
        Profiler.summarize(jfr, t -> t.equals("main"), options.profileTop(), out);
      }

      // close: play out the scheduled lifecycles, expire every open request, then let retention pass
      long lastEvent = closeEverything(h, workload, open, expiresAt);
      Instant closed = Instant.ofEpochMilli(lastEvent).plus(Duration.ofHours(2));
      h.tick(closed);
      h.drain();
      state.add(new StateRow("closed (+2 h)", 0, h.storeSizes()));
      // the longest time any state is kept: stateRetention, or the subject stage's repeatWindow (it
      // counts a subject's requests over that window)
      Duration retention = Policy.defaults().stateRetention().compareTo(Policy.defaults().repeatWindow()) >= 0
          ? Policy.defaults().stateRetention() : Policy.defaults().repeatWindow();
      Instant purged = closed.plus(retention).plus(RequestCorrelator.PURGE_INTERVAL).plus(Duration.ofMinutes(1));
      h.tick(purged);
      // one new request: the subject stage moves its stream time (and purges) only with requests,
      // which clock ticks on the inputs do not reach
      Workload.openRequests(open, 1, purged, purged.plus(Duration.ofHours(1)), options.workload().accounts())
          .forEachRemaining(r -> h.pipe(h.serialize(r)));
      h.drain();
      state.add(new StateRow("closed + " + retention.toDays() + " d + 1 new request", 0, h.storeSizes()));
      printState(state);
      return partial;
    }
  }

  /** Pipes the next {@code n} records of {@code source} in timed chunks; returns the piping nanoseconds. */
  private long pipeCount(DriverHarness h, Iterator<InputRecord> source, long n) {
    long nanos = 0;
    long left = n;
    while (left > 0) {
      int size = (int) Math.min(CHUNK, left);
      List<DriverHarness.Serialized> chunk = h.serialize(source, size);
      long start = System.nanoTime();
      for (DriverHarness.Serialized r : chunk) {
        h.pipe(r);
      }
      nanos += System.nanoTime() - start;
      h.drain();
      left -= size;
    }
    return nanos;
  }

  /** Pipes all of a finite {@code source}; returns the number of records. */
  private long pipeAll(DriverHarness h, Iterator<InputRecord> source) {
    long count = 0;
    while (source.hasNext()) {
      List<DriverHarness.Serialized> chunk = h.serialize(source, CHUNK);
      for (DriverHarness.Serialized r : chunk) {
        h.pipe(r);
      }
      h.drain();
      count += chunk.size();
    }
    return count;
  }

  /** Pipes the workload's scheduled lifecycle records and the open requests' expiries, merged in event time. */
  private long closeEverything(DriverHarness h, Workload workload, int open, Instant expiresAt) {
    PriorityQueue<InputRecord> merged = new PriorityQueue<>(Comparator.comparingLong(DriverBenchmark::eventTime));
    merged.addAll(workload.drainScheduled());
    Workload.expiries(0, open, expiresAt).forEachRemaining(merged::add);
    long last = 0;
    List<InputRecord> ordered = new ArrayList<>(merged.size());
    while (!merged.isEmpty()) {
      InputRecord r = merged.poll();
      last = Math.max(last, eventTime(r));
      ordered.add(r);
    }
    pipeAll(h, ordered.iterator());
    out.printf(Locale.ROOT, "  closed: %,d records (scheduled lifecycle records and one expiry per open request)%n",
        ordered.size());
    return last;
  }

  private static long eventTime(InputRecord r) {
    return io.glasswatch.streams.input.EventTimeExtractor.eventTime(r.value()).toEpochMilli();
  }

  private void printThroughput(Result r) {
    out.printf(Locale.ROOT, "  preload: %,d records in %.1f s = %,.0f records/s%n", r.preloadRecords(),
        r.preloadSeconds(), r.preloadRecords() / r.preloadSeconds());
    out.printf(Locale.ROOT, "  MEASURED: %,d records (%,d background CloudTrail, %,d break-glass lifecycle = %.2f%%) "
            + "in %.2f s = %,.0f events/s  [load %s -> %s]%n", r.events(), r.backgroundEvents(), r.lifecycleEvents(),
        100.0 * r.lifecycleEvents() / r.events(), r.seconds(), r.eventsPerSecond(), r.loadBefore(), r.loadAfter());
    out.printf(Locale.ROOT, "  CPU of the driving thread: %.1f us per event, %.1f s in all (less sensitive to a busy machine than "
        + "events/s; includes serializing the input chunks and reading the captured output)%n",
        1e6 * r.cpuSeconds() / r.events(), r.cpuSeconds());
    out.println("  records written per input event during the measured phase (topic: records/event, bytes/event):");
    r.writtenPerTopic().forEach((t, v) -> out.printf(Locale.ROOT, "    %-58s %7.3f  %9.1f B%n", t,
        (double) v[0] / r.events(), (double) v[1] / r.events()));
  }

  private void printState(List<StateRow> rows) {
    out.printf(Locale.ROOT, "%n  Part 3: state stores (logical = key + stored value, by a full scan; SST = RocksDB files on disk)%n");
    List<String> stores = rows.get(0).stores().stream().map(DriverHarness.StoreSize::store).toList();
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-30s", "store"));
    for (StateRow row : rows) {
      header.append(String.format(Locale.ROOT, " | %26s", row.label()));
    }
    out.println(header);
    for (String s : stores) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-30s", s + " (keys, bytes)"));
      for (StateRow row : rows) {
        DriverHarness.StoreSize size = row.stores().stream().filter(x -> x.store().equals(s)).findFirst().orElse(null);
        line.append(size == null ? String.format(Locale.ROOT, " | %26s", "-")
            : String.format(Locale.ROOT, " | %,9d %,14d B", size.keys(), size.logicalBytes()));
      }
      out.println(line);
    }
    StringBuilder total = new StringBuilder(String.format(Locale.ROOT, "  %-30s", "total logical"));
    StringBuilder sst = new StringBuilder(String.format(Locale.ROOT, "  %-30s", "total SST files on disk"));
    StringBuilder per = new StringBuilder(String.format(Locale.ROOT, "  %-30s", "logical bytes per open request"));
    for (StateRow row : rows) {
      total.append(String.format(Locale.ROOT, " | %,9d %,14d B", row.keys(), row.logicalBytes()));
      sst.append(String.format(Locale.ROOT, " | %,24d B", row.sstBytes()));
      per.append(String.format(Locale.ROOT, " | %26s", row.openRequests() > 0
          ? String.format(Locale.ROOT, "%,.0f B", (double) row.logicalBytes() / row.openRequests()) : "-"));
    }
    out.println(total);
    out.println(sst);
    out.println(per);
    List<StateRow> open = rows.stream().filter(r -> r.openRequests() > 0).toList();
    if (open.size() >= 2) {
      StateRow a = open.get(0);
      StateRow b = open.get(open.size() - 1);
      double perRequest = (double) (b.logicalBytes() - a.logicalBytes()) / (b.openRequests() - a.openRequests());
      out.printf(Locale.ROOT, "  growth between %,d and %,d open requests: %,.0f logical bytes per open request; "
          + "per-step ratios (bytes/request): %s%n", a.openRequests(), b.openRequests(), perRequest,
          open.stream().map(r -> String.format(Locale.ROOT, "%,.0f", (double) r.logicalBytes() / r.openRequests())).toList());
    }
    out.printf(Locale.ROOT, "  (stores: %s = request state; %s = chain heads, never purged by design)%n",
        RequestCorrelator.STORE, TimelineChainer.STORE);
    out.printf(Locale.ROOT, "  load %s%n", Machine.loadAverage());
  }
}
