package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimesTest {

  @Test
  void parsesReleaseVersions() {
    assertThat(JavaRuntimes.parseFeature("\"21.0.5\"")).isEqualTo(21);
    assertThat(JavaRuntimes.parseFeature("\"25\"")).isEqualTo(25);
    assertThat(JavaRuntimes.parseFeature("1.8.0_412")).isEqualTo(8);
    assertThat(JavaRuntimes.parseFeature("garbage")).isZero();
  }

  @Test
  void picksTheNewestJdkOf21OrLater(@TempDir Path jvms) throws Exception {
    fakeJdk(jvms.resolve("jdk-17"), "17.0.9");
    fakeJdk(jvms.resolve("jdk-21"), "21.0.5");
    fakeJdk(jvms.resolve("jdk-25"), "25.0.1");
    Files.createDirectories(jvms.resolve("not-a-jdk"));

    assertThat(JavaRuntimes.newest(jvms)).contains(jvms.resolve("jdk-25"));
  }

  @Test
  void findsNothingWhenOnlyOldJdksExist(@TempDir Path jvms) throws Exception {
    fakeJdk(jvms.resolve("jdk-17"), "17.0.9");
    assertThat(JavaRuntimes.newest(jvms)).isEmpty();
    assertThat(JavaRuntimes.newest(jvms.resolve("absent"))).isEmpty();
  }

  @Test
  void serversRunOnAtLeastJava21() {
    assertThat(JavaRuntimes.feature(JavaRuntimes.javaHome())).isGreaterThanOrEqualTo(21);
  }

  private static void fakeJdk(Path home, String version) throws Exception {
    Files.createDirectories(home.resolve("bin"));
    Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
  }
}
