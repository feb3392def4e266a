package io.glasswatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers of the harness. */
final class Files2 {
  private Files2() {}

  /** Deletes {@code dir} and everything below it; a missing directory or a left-over file is ignored. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a left-over directory is harmless
    }
  }

  /** Total size of the regular files below {@code dir} (0 when missing). */
  static long size(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    long total = 0;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        try {
          total += Files.size(p);
        } catch (IOException gone) {
          // deleted while walking (compaction)
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return total;
  }
}
