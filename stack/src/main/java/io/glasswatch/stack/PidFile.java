package io.glasswatch.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The pid file of a server started by the stack: {@code <component dir>/server.pid}, a Java
 * properties file with {@code pid} (OS process id), {@code processStart} (the process's start time,
 * epoch milliseconds, to tell our process from a later one that reused the pid) and
 * {@code startMillis} (how long the server took to become ready).
 *
 * @param pid OS process id
 * @param processStart start time of the process as the OS reports it, or {@code null} if unknown
 * @param startDuration time from launch to readiness, or {@code null} while starting
 */
record PidFile(long pid, Instant processStart, Duration startDuration) {

  /** The pid file of a just launched process. */
  static PidFile of(ProcessHandle process) {
    return new PidFile(process.pid(), process.info().startInstant().orElse(null), null);
  }

  /** A copy recording the start duration. */
  PidFile withStartDuration(Duration d) {
    return new PidFile(pid, processStart, d);
  }

  /**
   * Reads a pid file.
   *
   * @return empty when the file does not exist or cannot be parsed (a malformed pid file is treated
   *     like a stale one)
   */
  static Optional<PidFile> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
      long pid = Long.parseLong(p.getProperty("pid", "").trim());
      String start = p.getProperty("processStart", "").trim();
      String took = p.getProperty("startMillis", "").trim();
      return Optional.of(new PidFile(pid,
          start.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(start)),
          took.isEmpty() ? null : Duration.ofMillis(Long.parseLong(took))));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Writes this pid file atomically (temporary file, then rename). */
  void write(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(pid));
    if (processStart != null) {
      p.setProperty("processStart", Long.toString(processStart.toEpochMilli()));
    }
    if (startDuration != null) {
      p.setProperty("startMillis", Long.toString(startDuration.toMillis()));
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp)) {
      p.store(w, "Glasswatch local stack server process");
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The live process this pid file names: present only if a process with this pid is alive and, when
   * both start times are known, started within one second of {@link #processStart()} (so a reused
   * pid is not mistaken for our server).
   */
  Optional<ProcessHandle> liveProcess() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
      if (processStart == null) {
        return true;
      }
      return h.info().startInstant()
          .map(s -> Math.abs(Duration.between(s, processStart).toMillis()) <= 1000)
          .orElse(true);
    });
  }
}
