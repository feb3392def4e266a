package io.glasswatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the machine is doing, from {@code /proc} (Linux): the load average printed with every figure,
 * and the CPU time of processes, so that a figure can say how much of the two cores the streams app,
 * the broker and the registry used.
 */
final class Machine {
  /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ; 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  private Machine() {}

  /** The first three fields of {@code /proc/loadavg}, e.g. {@code "0.52 1.10 1.35"}, or "n/a". */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** CPU seconds (user + system) used so far by {@code pid} and its live descendants; 0 when unknown. */
  static double cpuSeconds(long pid) {
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    double total = 0;
    for (long p : pids) {
      total += ownCpuSeconds(p);
    }
    return total;
  }

  private static double ownCpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields after the command: state(3) ... utime(14) stime(15), here 0-based from field 3
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU seconds used so far by this JVM. */
  static double ownCpuSeconds() {
    return ownCpuSeconds(ProcessHandle.current().pid());
  }

  /** Number of processors this JVM sees. */
  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The model name of the first CPU in {@code /proc/cpuinfo}, or "n/a". */
  static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse("n/a");
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
