package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotoServerTest {

  @Test
  void findsAnExecutableOnPath(@TempDir Path dir) throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Files.writeString(a.resolve("moto_server"), "not executable");
    Path exe = Files.writeString(b.resolve("moto_server"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(MotoServer.findOnPath("moto_server", a + ":" + b)).contains(exe);
    assertThat(MotoServer.findOnPath("moto_server", a.toString())).isEmpty();
    assertThat(MotoServer.findOnPath("moto_server", null)).isEmpty();
  }

  @Test
  void withoutMotoTheComponentIsUnavailableAndRevokesRunDry() {
    assertThat(new MotoServer(Optional.empty()).unavailableReason()).contains("not installed", "dry-run");
    assertThat(new MotoServer(Optional.of(Path.of("/bin/true"))).unavailableReason()).isNull();
  }
}
