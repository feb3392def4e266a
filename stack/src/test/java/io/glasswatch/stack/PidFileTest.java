package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

  @Test
  void roundTripsPidStartAndDuration(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("kafka/server.pid");
    PidFile p = new PidFile(4242, Instant.ofEpochMilli(1_700_000_000_123L), Duration.ofMillis(2100));

    p.write(f);

    assertThat(PidFile.read(f)).contains(p);
    assertThat(Files.list(f.getParent())).containsExactly(f);
  }

  @Test
  void missingOrMalformedFileReadsAsAbsent(@TempDir Path dir) throws Exception {
    assertThat(PidFile.read(dir.resolve("none.pid"))).isEmpty();
    Path bad = Files.writeString(dir.resolve("bad.pid"), "pid=not-a-number\n");
    assertThat(PidFile.read(bad)).isEmpty();
    Path empty = Files.writeString(dir.resolve("empty.pid"), "");
    assertThat(PidFile.read(empty)).isEmpty();
  }

  @Test
  void namesALiveProcessOnlyWhenPidAndStartTimeMatch() {
    ProcessHandle me = ProcessHandle.current();
    PidFile ours = PidFile.of(me);

    assertThat(ours.liveProcess()).contains(me);
    assertThat(new PidFile(me.pid(), null, null).liveProcess()).contains(me);
    Instant otherStart = me.info().startInstant().orElseThrow().minusSeconds(3600);
    assertThat(new PidFile(me.pid(), otherStart, null).liveProcess())
        .as("a reused pid is not our server").isEmpty();
  }

  @Test
  void goneProcessIsStale() {
    assertThat(new PidFile(Integer.MAX_VALUE - 1L, null, null).liveProcess()).isEmpty();
  }
}
