package io.glasswatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestStackTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty(TestStack.KAFKA_PORT_PROPERTY);
    System.clearProperty(TestStack.DIR_PROPERTY);
  }

  @Test
  void repositoryRootIsTheNearestDirectoryWithGit(@TempDir Path tmp) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo/.git")).getParent();
    Path module = Files.createDirectories(repo.resolve("sinks/src"));
    Files.writeString(repo.resolve("pom.xml"), "<artifactId>glasswatch-parent</artifactId>");

    assertThat(TestStackSettings.repositoryRoot(module)).isEqualTo(repo);
  }

  @Test
  void withoutGitTheTopmostParentPomMarksTheRoot(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("checkout"));
    Files.writeString(root.resolve("pom.xml"), "<artifactId>glasswatch-parent</artifactId>");
    Path module = Files.createDirectories(root.resolve("alerts"));
    Files.writeString(module.resolve("pom.xml"), "<parent><artifactId>glasswatch-parent</artifactId></parent>");

    assertThat(TestStackSettings.repositoryRoot(module.resolve("."))).isIn(root, root.resolve("alerts").getParent());
    assertThat(TestStackSettings.repositoryRoot(tmp.resolve("elsewhere"))).isNull();
  }

  @Test
  void defaultsToTestPortsAndTheRepositoryTestStackDirectory() {
    GlasswatchSettings s = TestStack.baseSettings();
    // a build run with its own test ports (-Dglasswatch.test.*.port) checks those instead of the defaults
    int kafka = Integer.getInteger(TestStack.KAFKA_PORT_PROPERTY, 29092);

    assertThat(s.getInt(GlasswatchSettings.STACK_KAFKA_PORT)).isEqualTo(kafka);
    assertThat(s.getInt(GlasswatchSettings.STACK_REGISTRY_PORT))
        .isEqualTo(Integer.getInteger(TestStack.REGISTRY_PORT_PROPERTY, 28081));
    assertThat(s.getInt(GlasswatchSettings.STACK_ES_PORT)).isEqualTo(Integer.getInteger(TestStack.ES_PORT_PROPERTY, 29200));
    assertThat(s.getInt(GlasswatchSettings.STACK_MOTO_PORT)).isEqualTo(Integer.getInteger(TestStack.MOTO_PORT_PROPERTY, 25000));
    assertThat(s.get(GlasswatchSettings.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:" + kafka);
    assertThat(s.stackDir()).isAbsolute();
    assertThat(s.stackDir().toString()).contains("test-stack");
  }

  @Test
  void systemPropertiesOverridePortsAndDirectory(@TempDir Path tmp) {
    System.setProperty(TestStack.KAFKA_PORT_PROPERTY, "39999");
    System.setProperty(TestStack.DIR_PROPERTY, tmp.resolve("s").toString());

    GlasswatchSettings s = TestStack.baseSettings();

    assertThat(s.get(GlasswatchSettings.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:39999");
    assertThat(s.stackDir()).isEqualTo(tmp.resolve("s").toAbsolutePath());
  }

  @Test
  void leasesOfLiveJvmsCountAndStaleOnesAreRemoved(@TempDir Path leases) throws Exception {
    ProcessHandle me = ProcessHandle.current();
    Path mine = Files.writeString(leases.resolve(me.pid() + ".lease"),
        Long.toString(me.info().startInstant().orElseThrow().toEpochMilli()));
    Path reused = Files.writeString(leases.resolve(me.pid() + "0.lease"), "");
    Path dead = Files.writeString(leases.resolve((Integer.MAX_VALUE - 3L) + ".lease"), "");
    Path garbage = Files.writeString(leases.resolve("x.lease"), "");

    assertThat(TestStack.leaseIsLive(mine)).isTrue();
    assertThat(TestStack.otherLiveLeases(leases)).isTrue();
    assertThat(dead).doesNotExist();
    assertThat(garbage).doesNotExist();

    Files.delete(mine);
    Files.deleteIfExists(reused);
    assertThat(TestStack.otherLiveLeases(leases)).isFalse();
  }

  @Test
  void leaseOfAnotherProcessStartTimeIsStale(@TempDir Path leases) throws Exception {
    ProcessHandle me = ProcessHandle.current();
    Path wrongStart = Files.writeString(leases.resolve(me.pid() + ".lease"),
        Long.toString(me.info().startInstant().orElseThrow().toEpochMilli() - 3_600_000));

    assertThat(TestStack.leaseIsLive(wrongStart)).isFalse();
  }
}
