package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestCommandTest {
  @TempDir
  Path dir;

  @Test
  void ingestAndServeRefuseInvalidIngestKeysBeforeStartingAnything() {
    for (String command : new String[] {"ingest", "serve"}) {
      ReplayCommandTest.Run r = ReplayCommandTest.run(command, "--set", "stack.dir=" + dir.resolve("no-stack"),
          "--set", "ingest.http.listen=nowhere", "--set", "ingest.cloudtrail.regions=moon-1");

      assertThat(r.status()).as(command).isEqualTo(2);
      assertThat(r.stderr()).as(command).contains("ingest.http.listen: expected host:port")
          .contains("ingest.cloudtrail.regions: expected AWS region names");
      assertThat(r.stdout()).as(command).doesNotContain("running").doesNotContain("ingesting");
    }
  }

  @Test
  void ingestAndServeRefuseAProducerKeyWithoutAConfigNameBeforeStartingAnything() {
    for (String command : new String[] {"ingest", "serve"}) {
      ReplayCommandTest.Run r = ReplayCommandTest.run(command, "--set", "stack.dir=" + dir.resolve("no-stack"),
          "--set", "kafka.producer.=5");

      assertThat(r.status()).as(command).isEqualTo(2);
      assertThat(r.stderr()).as(command).contains("kafka.producer.: expected kafka.producer.<producer config>");
      assertThat(r.stdout()).as(command).doesNotContain("running").doesNotContain("ingesting");
    }
  }
}
