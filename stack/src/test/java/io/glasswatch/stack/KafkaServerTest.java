package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaServerTest {

  @Test
  void combinedBrokerAndControllerOnLoopbackWithSingleReplicaInternalTopics() {
    Map<String, String> p = KafkaServer.serverProperties(19092, Path.of("/stack/kafka/data"));

    assertThat(p).containsEntry("process.roles", "broker,controller")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
        .containsEntry("log.dirs", "/stack/kafka/data")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("share.coordinator.state.topic.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0");
  }

  @Test
  void rendersJavaPropertiesEscapingBackslashes() {
    String text = KafkaServer.render(Map.of("log.dirs", "C:\\data"));
    assertThat(text).contains("log.dirs=C:\\\\data\n").startsWith("#");
  }

  @Test
  void buildTimeClasspathHoldsTheBrokerJars() {
    List<String> cp = KafkaServer.buildTimeClasspath();

    assertThat(cp).anyMatch(e -> Path.of(e).getFileName().toString().startsWith("kafka_2.13-"))
        .anyMatch(e -> Path.of(e).getFileName().toString().startsWith("kafka-server-"))
        .anyMatch(e -> Path.of(e).getFileName().toString().startsWith("log4j-core-"))
        .noneMatch(e -> e.contains("glasswatch"));
    assertThat(KafkaServer.classpath()).isEqualTo(cp);
  }

  @Test
  void expandsManifestClassPathOfLauncherJars(@TempDir Path dir) throws Exception {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path kafkaJar = Files.writeString(lib.resolve("kafka_2.13-4.3.1.jar"), "not really a jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/kafka_2.13-4.3.1.jar lib/missing.jar");
    Path booter = dir.resolve("booter.jar");
    try (OutputStream out = Files.newOutputStream(booter); JarOutputStream jar = new JarOutputStream(out, m)) {
      jar.flush();
    }

    List<String> expanded = KafkaServer.expand(booter + java.io.File.pathSeparator + dir.resolve("nothing-here"));

    assertThat(expanded).containsExactly(booter.toAbsolutePath().toString(), kafkaJar.toAbsolutePath().toString());
  }
}
