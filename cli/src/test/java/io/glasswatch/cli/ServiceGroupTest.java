package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ServiceGroup}: every service stops exactly once, newest first, whoever closes the group. */
class ServiceGroupTest {
  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();

  private AutoCloseable service(String name) {
    return () -> stopped.add(name);
  }

  @Test
  void stopsNewestFirstAndReportsEachStop() {
    ServiceGroup group = new ServiceGroup(progress::add);
    group.add("sink", service("sink"));
    group.add("streams app", service("streams app"));

    group.close();

    assertThat(stopped).containsExactly("streams app", "sink");
    assertThat(progress).containsExactly("stopped streams app", "stopped sink");
    assertThat(group.isClosed()).isTrue();
  }

  @Test
  void aSecondCloseStopsNothingAgain() {
    ServiceGroup group = new ServiceGroup(progress::add);
    group.add("sink", service("sink"));

    group.close();
    group.close();

    assertThat(stopped).containsExactly("sink");
  }

  @Test
  void twoThreadsClosingAtOnceStopEachServiceOnce() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ServiceGroup group = new ServiceGroup(progress::add);
    group.add("sink", service("sink"));
    group.add("slow", () -> {
      inside.countDown();
      release.await(10, TimeUnit.SECONDS);
      stopped.add("slow");
    });
    Thread hook = new Thread(group::close);
    hook.start();
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    Thread command = new Thread(group::close);
    command.start();
    release.countDown();
    hook.join(10_000);
    command.join(10_000);

    assertThat(stopped).containsExactly("slow", "sink");
  }

  @Test
  void aServiceThatFailsToStopDoesNotKeepTheOthersRunning() {
    ServiceGroup group = new ServiceGroup(progress::add);
    group.add("sink", service("sink"));
    group.add("broken", () -> {
      throw new IllegalStateException("boom");
    });

    group.close();

    assertThat(stopped).containsExactly("sink");
    assertThat(progress).containsExactly("stopped broken (with an error: java.lang.IllegalStateException: boom)",
        "stopped sink");
  }

  @Test
  void aServiceAddedAfterTheStopIsStoppedAndRefused() {
    ServiceGroup group = new ServiceGroup(progress::add);
    group.close();

    assertThatThrownBy(() -> group.add("late", service("late"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("late");
    assertThat(stopped).containsExactly("late");
  }

  @Test
  void nullAddsNothing() {
    ServiceGroup group = new ServiceGroup(progress::add);

    assertThat(group.<AutoCloseable>add("ingest", null)).isNull();
    group.close();
    assertThat(progress).isEmpty();
  }
}
