package io.glasswatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestStackSettingsTest {

  private static Properties props(Path workingDirectory, String... keyValues) {
    Properties p = new Properties();
    p.setProperty("user.dir", workingDirectory.toString());
    p.setProperty("java.io.tmpdir", workingDirectory.resolve("tmp").toString());
    p.setProperty("user.name", "tester");
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsAreTheTestPortsAndTheRepositoryTestStackDirectory(@TempDir Path tmp) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo/.git")).getParent();
    Path module = Files.createDirectories(repo.resolve("sinks"));
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

    TestStackSettings s = TestStackSettings.from(props(module), Map.of());

    assertThat(s.kafkaPort()).isEqualTo(29092);
    assertThat(s.registryPort()).isEqualTo(28081);
    assertThat(s.elasticsearchPort()).isEqualTo(29200);
    assertThat(s.motoPort()).isEqualTo(25000);
    assertThat(s.keep()).isFalse();
    assertThat(s.directory().toString()).endsWith("test-stack");
    assertThat(s.directory()).isAbsolute();
  }

  @Test
  void withoutARepositoryTheDirectoryIsUnderTmpdir(@TempDir Path tmp) {
    Path dir = TestStackSettings.defaultDirectory(tmp.resolve("nowhere"), tmp.resolve("tmp"), false);

    assertThat(dir.getParent()).isEqualTo(tmp.resolve("tmp"));
    assertThat(dir.getFileName().toString()).matches("glasswatch-test-stack-[0-9a-f]{10}");
  }

  @Test
  void propertiesSetPortsDirectoryAndKeep(@TempDir Path tmp) {
    TestStackSettings s = TestStackSettings.from(props(tmp,
        TestStackSettings.KAFKA_PORT_PROPERTY, "32092", TestStackSettings.REGISTRY_PORT_PROPERTY, "32081",
        TestStackSettings.ES_PORT_PROPERTY, " 32200 ", TestStackSettings.MOTO_PORT_PROPERTY, "32000",
        TestStackSettings.DIR_PROPERTY, tmp.resolve("s").toString(), TestStackSettings.KEEP_PROPERTY, "TRUE"), Map.of());

    assertThat(s).isEqualTo(new TestStackSettings(tmp.resolve("s"), 32092, 32081, 32200, 32000, true));
    GlasswatchSettings g = s.glasswatchSettings();
    assertThat(g.get(GlasswatchSettings.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:32092");
    assertThat(g.get(GlasswatchSettings.REGISTRY_URL)).isEqualTo("http://127.0.0.1:32081/apis/registry/v3");
    assertThat(g.get(GlasswatchSettings.ES_URL)).isEqualTo("http://127.0.0.1:32200");
    assertThat(g.getInt(GlasswatchSettings.STACK_MOTO_PORT)).isEqualTo(32000);
    assertThat(g.stackDir()).isEqualTo(tmp.resolve("s"));
    assertThat(g.get(GlasswatchSettings.STREAMS_STATE_DIR)).isEqualTo(tmp.resolve("test-streams-state").toString());
  }

  @Test
  void theEnvironmentVariableAlsoKeepsTheServers(@TempDir Path tmp) {
    assertThat(TestStackSettings.from(props(tmp), Map.of(TestStackSettings.KEEP_ENV, "true")).keep()).isTrue();
    assertThat(TestStackSettings.from(props(tmp), Map.of(TestStackSettings.KEEP_ENV, "false")).keep()).isFalse();
  }

  @Test
  void aPortPropertyThatIsNotAPortIsRefusedInsteadOfFallingBackToTheDefault(@TempDir Path tmp) {
    assertThatThrownBy(() -> TestStackSettings.from(props(tmp, TestStackSettings.KAFKA_PORT_PROPERTY, "29o92"), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(TestStackSettings.KAFKA_PORT_PROPERTY + ": expected a TCP port 1-65535, got '29o92'");
    assertThatThrownBy(() -> TestStackSettings.from(props(tmp, TestStackSettings.MOTO_PORT_PROPERTY, "70000"), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(TestStackSettings.MOTO_PORT_PROPERTY + ": expected a TCP port 1-65535, got '70000'");
    assertThatThrownBy(() -> TestStackSettings.from(props(tmp, TestStackSettings.ES_PORT_PROPERTY, "0"), Map.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(TestStackSettings.ES_PORT_PROPERTY);
  }

  @Test
  void aKeepValueThatIsNotABooleanIsRefused(@TempDir Path tmp) {
    assertThatThrownBy(() -> TestStackSettings.from(props(tmp, TestStackSettings.KEEP_PROPERTY, "yes"), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(TestStackSettings.KEEP_PROPERTY + ": expected true or false, got 'yes'");
    assertThatThrownBy(() -> TestStackSettings.from(props(tmp), Map.of(TestStackSettings.KEEP_ENV, "1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(TestStackSettings.KEEP_ENV + " (environment): expected true or false, got '1'");
  }

  @Test
  void aBlankDirectoryIsRefused(@TempDir Path tmp) {
    assertThatThrownBy(() -> TestStackSettings.from(props(tmp, TestStackSettings.DIR_PROPERTY, " "), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(TestStackSettings.DIR_PROPERTY + ": expected a directory, got ' '");
  }

  @Test
  void everyProblemIsReportedAtOnce(@TempDir Path tmp) {
    assertThatThrownBy(() -> TestStackSettings.from(props(tmp, TestStackSettings.KAFKA_PORT_PROPERTY, "x",
        TestStackSettings.REGISTRY_PORT_PROPERTY, "y"), Map.of()))
        .hasMessage(TestStackSettings.KAFKA_PORT_PROPERTY + ": expected a TCP port 1-65535, got 'x'; "
            + TestStackSettings.REGISTRY_PORT_PROPERTY + ": expected a TCP port 1-65535, got 'y'");
  }
}
