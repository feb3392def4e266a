package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.ComponentStatus.State;
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

/**
 * Process lifecycle of the stack with stand-in server commands ({@code sh}, {@code sleep}): launch,
 * pid files, reuse, failed starts with log tails, timeouts and stopping.
 */
class LocalStackProcessIT {

  @TempDir Path dir;

  private GlasswatchSettings settings() {
    return GlasswatchSettings.builder()
        .set(GlasswatchSettings.STACK_DIR, dir.resolve("stack").toString())
        .set(GlasswatchSettings.STACK_KAFKA_PORT, "1")
        .set(GlasswatchSettings.STACK_REGISTRY_PORT, "3")
        .set(GlasswatchSettings.STACK_ES_PORT, "5")
        .set(GlasswatchSettings.STACK_MOTO_PORT, "7")
        .build();
  }

  private LocalStack stack(FakeServer server) {
    Map<Component, Server> m = new EnumMap<>(Component.class);
    for (Component c : Component.values()) {
      m.put(c, new FakeServer(c, List.of("true"), () -> true, Duration.ofSeconds(5), null));
    }
    m.put(server.component(), server);
    return new LocalStack(settings(), m);
  }

  @Test
  void startsOnceRecordsPidAndStopsWithSigterm() {
    FakeServer sleeper = new FakeServer(Component.MOTO, List.of("sleep", "300"), () -> true, Duration.ofSeconds(10), null);
    LocalStack stack = stack(sleeper);
    List<String> progress = new ArrayList<>();

    stack.up(Set.of(Component.MOTO), progress::add);
    ComponentStatus running = stack.status(Component.MOTO);
    stack.up(Set.of(Component.MOTO), progress::add);
    ProcessHandle process = ProcessHandle.of(running.pid()).orElseThrow();
    stack.down(progress::add);

    assertThat(running.state()).isEqualTo(State.RUNNING_OWNED);
    assertThat(running.detail()).contains("started in", "rss");
    assertThat(sleeper.prepared).as("second up reuses").hasValue(1);
    assertThat(stack.startDurations()).isEmpty();
    assertThat(process.isAlive()).isFalse();
    assertThat(stack.status(Component.MOTO).state()).isEqualTo(State.STOPPED);
    assertThat(progress).anySatisfy(l -> assertThat(l).startsWith("moto").contains("started on 127.0.0.1:7 in"));
    assertThat(progress).anySatisfy(l -> assertThat(l).contains("already running", "pid " + running.pid()));
    assertThat(progress).anySatisfy(l -> assertThat(l).contains("stopped (pid " + running.pid() + ")"));
  }

  @Test
  void secondUpWaitsForAnOwnedServerThatIsNotReadyYet() {
    java.util.concurrent.atomic.AtomicInteger notReadyProbes = new java.util.concurrent.atomic.AtomicInteger();
    FakeServer slow = new FakeServer(Component.REGISTRY, List.of("sleep", "300"),
        () -> notReadyProbes.getAndDecrement() <= 0, Duration.ofSeconds(30), null);
    LocalStack stack = stack(slow);
    List<String> progress = new ArrayList<>();
    stack.up(Set.of(Component.REGISTRY), line -> { });
    long pid = stack.status(Component.REGISTRY).pid();
    notReadyProbes.set(3);

    stack.up(Set.of(Component.REGISTRY), progress::add);

    assertThat(slow.prepared).hasValue(1);
    assertThat(stack.status(Component.REGISTRY).pid()).isEqualTo(pid);
    assertThat(progress).first().asString().contains("but not ready; waiting");
    assertThat(progress).last().asString().contains("started on");
    stack.down(line -> { });
  }

  @Test
  void serverExitingDuringStartFailsWithTheTailOfItsLog() {
    FakeServer crasher = new FakeServer(Component.KAFKA,
        List.of("sh", "-c", "echo 'java.net.BindException: Address already in use' >&2; exit 3"),
        () -> false, Duration.ofSeconds(30), null);
    LocalStack stack = stack(crasher);

    assertThatThrownBy(() -> stack.up(Set.of(Component.KAFKA), line -> { }))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("kafka: exited with status 3 during start")
        .hasMessageContaining("BindException: Address already in use")
        .hasMessageContaining("server.log");
    assertThat(dir.resolve("stack/kafka/server.pid")).doesNotExist();
    assertThat(stack.status(Component.KAFKA).state()).isEqualTo(State.STOPPED);
  }

  @Test
  void serverNeverReadyIsStoppedAfterItsTimeout() {
    FakeServer hanger = new FakeServer(Component.REGISTRY, List.of("sh", "-c", "echo waiting for nothing; exec sleep 300"),
        () -> false, Duration.ofSeconds(1), null);
    LocalStack stack = stack(hanger);

    assertThatThrownBy(() -> stack.up(Set.of(Component.REGISTRY), line -> { }))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("registry: not ready within 1 s")
        .hasMessageContaining("waiting for nothing");
    assertThat(stack.status(Component.REGISTRY).state()).isEqualTo(State.STOPPED);
  }

  @Test
  void stalePidFileIsReplacedByANewStart() throws Exception {
    FakeServer sleeper = new FakeServer(Component.ELASTICSEARCH, List.of("sleep", "300"), () -> true,
        Duration.ofSeconds(10), null);
    LocalStack stack = stack(sleeper);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    PidFile.of(gone.toHandle()).write(dir.resolve("stack/elasticsearch/server.pid"));
    List<String> progress = new ArrayList<>();

    stack.up(Set.of(Component.ELASTICSEARCH), progress::add);

    ComponentStatus st = stack.status(Component.ELASTICSEARCH);
    assertThat(st.state()).isEqualTo(State.RUNNING_OWNED);
    assertThat(st.pid()).isNotEqualTo(gone.pid());
    assertThat(progress).anySatisfy(l -> assertThat(l).contains("removed stale pid file"));
    assertThat(Files.readString(dir.resolve("stack/credentials.properties"))).contains("elasticsearch.admin.password=");
    stack.down(line -> { });
    assertThat(stack.status(Component.ELASTICSEARCH).state()).isEqualTo(State.STOPPED);
  }

  @Test
  void serverIgnoringSigtermIsKilledAndItsChildrenToo() {
    FakeServer stubborn = new FakeServer(Component.KAFKA,
        List.of("sh", "-c", "trap '' TERM; sleep 300 & touch forked; wait"),
        () -> Files.exists(dir.resolve("stack/kafka/forked")), Duration.ofSeconds(10), null);
    LocalStack stack = stack(stubborn);
    stack.up(Set.of(Component.KAFKA), line -> { });
    ProcessHandle root = ProcessHandle.of(stack.status(Component.KAFKA).pid()).orElseThrow();
    List<ProcessHandle> children = root.descendants().toList();

    boolean graceful = Processes.terminate(root, Duration.ofMillis(500));

    assertThat(graceful).isFalse();
    assertThat(root.isAlive()).isFalse();
    assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
  }
}
