package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.ComponentStatus.State;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stack logic without launching anything: status, settings completion, reuse of foreign servers. */
class LocalStackTest {

  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private GlasswatchSettings settings(int kafka, int registry, int es, int moto) {
    return GlasswatchSettings.builder()
        .set(GlasswatchSettings.STACK_DIR, dir.resolve("stack").toString())
        .set(GlasswatchSettings.STACK_KAFKA_PORT, Integer.toString(kafka))
        .set(GlasswatchSettings.STACK_REGISTRY_PORT, Integer.toString(registry))
        .set(GlasswatchSettings.STACK_ES_PORT, Integer.toString(es))
        .set(GlasswatchSettings.STACK_MOTO_PORT, Integer.toString(moto))
        .build();
  }

  private static Map<Component, Server> fakes(String motoUnavailable) {
    Map<Component, Server> m = new EnumMap<>(Component.class);
    for (Component c : Component.values()) {
      m.put(c, new FakeServer(c, List.of("true"), () -> true, Duration.ofSeconds(5),
          c == Component.MOTO ? motoUnavailable : null));
    }
    return m;
  }

  @Test
  void nothingRunsInAFreshDirectory() throws IOException {
    LocalStack stack = new LocalStack(settings(freePort(), freePort(), freePort(), freePort()), fakes(null));

    assertThat(stack.status()).extracting(ComponentStatus::state).containsOnly(State.STOPPED);
    assertThat(stack.status()).extracting(ComponentStatus::component).containsExactly(Component.values());
    assertThat(stack.startDurations()).isEmpty();
    assertThat(stack.memory(Component.KAFKA)).isEmpty();
  }

  @Test
  void settingsAddressTheStackPortsAndCarryStoredCredentials() throws IOException {
    GlasswatchSettings s = settings(39092, 38081, 39200, freePort());
    Credentials c = Credentials.generate(StackSettings.from(s).users());
    c.write(dir.resolve("stack/credentials.properties"));

    GlasswatchSettings done = new LocalStack(s, fakes(null)).settings();

    assertThat(done.get(GlasswatchSettings.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:39092");
    assertThat(done.get(GlasswatchSettings.REGISTRY_URL)).isEqualTo("http://127.0.0.1:38081/apis/registry/v3");
    assertThat(done.get(GlasswatchSettings.ES_URL)).isEqualTo("http://127.0.0.1:39200");
    assertThat(done.get(GlasswatchSettings.ES_SINK_PASSWORD)).isEqualTo(c.sinkPassword());
    assertThat(done.get(GlasswatchSettings.ES_ADMIN_PASSWORD)).isEqualTo(c.adminPassword());
    assertThat(done.get(LocalStack.ES_READER_PASSWORD)).isEqualTo(c.readerPassword());
    assertThat(done.get(GlasswatchSettings.SSO_ENDPOINT)).as("moto not running").isEmpty();
    assertThat(done.toString()).doesNotContain(c.sinkPassword());
  }

  @Test
  void foreignServerOnThePortIsReportedAndLeftAlone() throws IOException {
    try (ServerSocket foreign = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Map<Component, Server> servers = fakes(null);
      GlasswatchSettings s = settings(foreign.getLocalPort(), freePort(), freePort(), freePort());
      LocalStack stack = new LocalStack(s, servers);
      List<String> progress = new ArrayList<>();

      assertThat(stack.status(Component.KAFKA).state()).isEqualTo(State.RUNNING_EXTERNAL);
      stack.up(Set.of(Component.KAFKA), progress::add);
      stack.down(Set.of(Component.KAFKA), progress::add);

      assertThat(((FakeServer) servers.get(Component.KAFKA)).prepared).hasValue(0);
      assertThat(progress).anySatisfy(l -> assertThat(l).startsWith("kafka ").contains("WARNING", "did not start"));
      assertThat(progress).anySatisfy(l -> assertThat(l).contains("left running"));
      assertThat(stack.status(Component.KAFKA).state()).isEqualTo(State.RUNNING_EXTERNAL);
    }
  }

  @Test
  void motoMissingIsUnavailableAndTurnsRevokesIntoDryRun() throws IOException {
    LocalStack stack = new LocalStack(settings(freePort(), freePort(), freePort(), freePort()),
        fakes("moto_server is not installed; revokes will run as dry-run"));
    List<String> progress = new ArrayList<>();

    ComponentStatus moto = stack.status(Component.MOTO);
    GlasswatchSettings done = stack.up(Set.of(Component.MOTO), progress::add);

    assertThat(moto.state()).isEqualTo(State.UNAVAILABLE);
    assertThat(moto.detail()).contains("dry-run");
    assertThat(done.getBoolean(GlasswatchSettings.REVOKE_DRY_RUN)).isTrue();
    assertThat(progress).containsExactly(LocalStack.line(Component.MOTO, "unavailable: " + moto.detail()));
  }

  @Test
  void stalePidFileReadsAsStoppedAndIsRemovedByDown() throws IOException {
    LocalStack stack = new LocalStack(settings(freePort(), freePort(), freePort(), freePort()), fakes(null));
    Path pid = dir.resolve("stack/registry/server.pid");
    new PidFile(Integer.MAX_VALUE - 7L, null, Duration.ofSeconds(1)).write(pid);
    List<String> progress = new ArrayList<>();

    ComponentStatus st = stack.status(Component.REGISTRY);
    stack.down(Set.of(Component.REGISTRY), progress::add);

    assertThat(st.state()).isEqualTo(State.STOPPED);
    assertThat(st.detail()).contains("stale pid file");
    assertThat(pid).doesNotExist();
    assertThat(progress).containsExactly(LocalStack.line(Component.REGISTRY, "removed stale pid file"));
  }

  @Test
  void busyControllerPortIsReportedBeforeAnythingIsLaunched() throws IOException {
    try (ServerSocket controller = bindWithFreePortBelow()) {
      int kafkaPort = controller.getLocalPort() - 1;
      Map<Component, Server> servers = fakes(null);
      servers.put(Component.KAFKA, new KafkaServer());
      LocalStack stack = new LocalStack(settings(kafkaPort, freePort(), freePort(), freePort()), servers);

      assertThatThrownBy(() -> stack.up(Set.of(Component.KAFKA), line -> { }))
          .isInstanceOf(StackException.class)
          .hasMessageContaining("kafka: port 127.0.0.1:" + controller.getLocalPort() + " (kafka controller) is used")
          .hasMessageContaining("stack.kafka.port");
      assertThat(dir.resolve("stack/kafka/server.pid")).doesNotExist();
    }
  }

  /** A listening socket on port p such that p - 1 is free. */
  private static ServerSocket bindWithFreePortBelow() throws IOException {
    for (int i = 0; i < 50; i++) {
      ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      int below = s.getLocalPort() - 1;
      try (ServerSocket probe = new ServerSocket(below, 1, InetAddress.getLoopbackAddress())) {
        return s;
      } catch (IOException busy) {
        s.close();
      }
    }
    throw new IllegalStateException("no free port pair found");
  }

  @Test
  void emptyUpStartsNothing() throws IOException {
    Map<Component, Server> servers = fakes(null);
    LocalStack stack = new LocalStack(settings(freePort(), freePort(), freePort(), freePort()), servers);

    stack.up(Set.of(), line -> { });

    assertThat(servers.values()).allSatisfy(s -> assertThat(((FakeServer) s).prepared).hasValue(0));
    assertThat(Files.exists(dir.resolve("stack/credentials.properties"))).isFalse();
  }

  @Test
  void progressLinesAlignComponentNames() {
    assertThat(LocalStack.line(Component.KAFKA, "started on 127.0.0.1:19092 in 2.1 s"))
        .isEqualTo("kafka         started on 127.0.0.1:19092 in 2.1 s");
    assertThat(LocalStack.line(Component.ELASTICSEARCH, "x")).isEqualTo("elasticsearch x");
    assertThat(LocalStack.seconds(Duration.ofMillis(2149))).isEqualTo("2.1 s");
  }
}
