package io.glasswatch.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** OS process helpers: memory from /proc, graceful termination of a process tree, log tails. */
final class Processes {
  private Processes() {}

  /**
   * Resident memory of {@code root} and its descendants, from {@code /proc/<pid>/status}
   * ({@code VmRSS}, {@code VmHWM}; proc(5)).
   *
   * @return empty when /proc cannot be read (not Linux, or the process is gone)
   */
  static Optional<MemoryUsage> memory(ProcessHandle root) {
    long rss = 0;
    long peak = 0;
    boolean any = false;
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    for (ProcessHandle h : tree) {
      Path status = Path.of("/proc", Long.toString(h.pid()), "status");
      try (Stream<String> lines = Files.lines(status)) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.startsWith("VmRSS:")) {
            rss += kib(line) * 1024;
            any = true;
          } else if (line.startsWith("VmHWM:")) {
            peak += kib(line) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        // process ended between listing and reading, or no /proc: skip it
      }
    }
    return any ? Optional.of(new MemoryUsage(rss, Math.max(peak, rss))) : Optional.empty();
  }

  /** Parses {@code "VmRSS:     12345 kB"} to 12345. */
  static long kib(String statusLine) {
    String[] parts = statusLine.trim().split("\\s+");
    return parts.length >= 2 ? Long.parseLong(parts[1]) : 0;
  }

  /**
   * Stops {@code root} and its descendants: SIGTERM to the root, wait up to {@code grace} for the
   * tree to exit, then SIGKILL whatever is left.
   *
   * @return true if everything exited within the grace period
   */
  static boolean terminate(ProcessHandle root, Duration grace) {
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroy();
    long deadline = System.nanoTime() + grace.toNanos();
    boolean graceful = waitFor(root, deadline);
    for (ProcessHandle d : descendants) {
      graceful &= waitFor(d, deadline);
    }
    if (!graceful) {
      root.destroyForcibly();
      descendants.forEach(ProcessHandle::destroyForcibly);
      long killDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      waitFor(root, killDeadline);
      descendants.forEach(d -> waitFor(d, killDeadline));
    }
    return graceful;
  }

  private static boolean waitFor(ProcessHandle h, long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    if (!h.isAlive()) {
      return true;
    }
    if (left <= 0) {
      return false;
    }
    try {
      h.onExit().get(left, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    }
  }

  /** The last {@code maxLines} lines of {@code file} (at most the last 16 KiB), or a note if unreadable. */
  static String tail(Path file, int maxLines) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, 16 * 1024);
      byte[] buf = new byte[n];
      f.seek(len - n);
      f.readFully(buf);
      String[] lines = new String(buf, StandardCharsets.UTF_8).split("\\R");
      int from = Math.max(0, lines.length - maxLines);
      return String.join(System.lineSeparator(), java.util.Arrays.copyOfRange(lines, from, lines.length));
    } catch (IOException e) {
      return "(no log: " + file + ": " + e.getMessage() + ")";
    }
  }
}
