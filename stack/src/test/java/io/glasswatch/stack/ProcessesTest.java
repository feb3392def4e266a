package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

  @Test
  void parsesProcStatusKibibytes() {
    assertThat(Processes.kib("VmRSS:\t  123456 kB")).isEqualTo(123456);
    assertThat(Processes.kib("VmHWM:")).isZero();
  }

  @Test
  void readsMemoryOfThisJvm() {
    MemoryUsage m = Processes.memory(ProcessHandle.current()).orElseThrow();
    assertThat(m.rssBytes()).isPositive();
    assertThat(m.peakRssBytes()).isGreaterThanOrEqualTo(m.rssBytes());
    assertThat(m.rssMiB()).isEqualTo(m.rssBytes() / 1048576);
  }

  @Test
  void tailsTheLastLinesOfALog(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("server.log"),
        IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\n");

    assertThat(Processes.tail(log, 3).lines()).containsExactly("line 98", "line 99", "line 100");
    assertThat(Processes.tail(dir.resolve("missing.log"), 3)).startsWith("(no log: ");
  }
}
