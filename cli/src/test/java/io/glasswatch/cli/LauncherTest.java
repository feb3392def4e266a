package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code glasswatch} launcher's JVM flags, run against a stand-in JDK whose {@code java} prints its
 * arguments (and a built CLI that is only two files), so nothing is built or started.
 */
class LauncherTest {
  @TempDir
  Path tmp;

  private List<String> javaArgs(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path root = tmp.resolve("glasswatch");
    Files.createDirectories(root.resolve("cli/target"));
    Path launcher = root.resolve("glasswatch");
    Files.copy(Path.of("..", "glasswatch"), launcher, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(root.resolve("cli/target/glasswatch-cli.jar"), "");
    Files.writeString(root.resolve("cli/target/glasswatch.classpath"), "");
    Path jdk = tmp.resolve("jdk");
    Files.createDirectories(jdk.resolve("bin"));
    script(jdk.resolve("bin/javac"), "#!/bin/sh\nexit 0\n");
    script(jdk.resolve("bin/java"), """
        #!/bin/sh
        case "$1" in -XshowSettings*) echo '    java.specification.version = 25' >&2; exit 0;; esac
        for a in "$@"; do echo "$a"; done
        """);
    List<String> command = new java.util.ArrayList<>(List.of("bash", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("JAVA_HOME", jdk.toString());
    pb.environment().remove("GLASSWATCH_JAVA_OPTS");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }

  private static void script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void replayRunsWithTheBenchmarkedHeapAndCollector() throws Exception {
    List<String> args = javaArgs(Map.of(), "replay", "in.json");

    assertThat(args).contains("-Xmx512m", "-XX:+UseSerialGC", "io.glasswatch.cli.GlasswatchCli")
        .endsWith("replay", "in.json");
  }

  @Test
  void theUsersOwnHeapOrCollectorWins() throws Exception {
    List<String> g1 = javaArgs(Map.of("GLASSWATCH_JAVA_OPTS", "-XX:+UseG1GC"), "replay", "in.json");
    List<String> heap = javaArgs(Map.of("GLASSWATCH_JAVA_OPTS", "-Xmx2g"), "replay", "in.json");

    assertThat(g1).contains("-XX:+UseG1GC", "-Xmx512m").doesNotContain("-XX:+UseSerialGC");
    assertThat(heap).contains("-Xmx2g", "-XX:+UseSerialGC").doesNotContain("-Xmx512m");
  }

  @Test
  void otherCommandsKeepTheJvmDefaults() throws Exception {
    List<String> args = javaArgs(Map.of(), "serve");

    assertThat(args).doesNotContain("-Xmx512m", "-XX:+UseSerialGC").contains("serve");
  }
}
