package io.glasswatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceRunTest {
  @Test
  void runMayBeginOnlyOnce() {
    ServiceRun run = new ServiceRun("Svc");
    assertThat(run.begin()).isTrue();
    assertThatThrownBy(run::begin).isInstanceOf(IllegalStateException.class).hasMessage("Svc.run() may be called once");
  }

  @Test
  void aCloseBeforeTheLoopClosesTheClientsItselfAndTheLoopThenDoesNotRun() {
    ServiceRun run = new ServiceRun("Svc");
    AtomicInteger closedClients = new AtomicInteger();
    AtomicInteger wakeups = new AtomicInteger();
    assertThat(run.close(closedClients::incrementAndGet, wakeups::incrementAndGet, Duration.ofSeconds(1))).isTrue();
    assertThat(closedClients).hasValue(1);
    assertThat(wakeups).hasValue(0);
    assertThat(run.closing()).isTrue();
    assertThatThrownBy(run::begin).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCloseDuringTheLoopWakesItAndWaitsUntilItEnded() throws Exception {
    ServiceRun run = new ServiceRun("Svc");
    CountDownLatch wake = new CountDownLatch(1);
    AtomicInteger closedClients = new AtomicInteger();
    Thread loop = Thread.ofPlatform().start(() -> {
      if (!run.begin()) {
        return;
      }
      try {
        while (!run.closing()) {
          wake.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closedClients.incrementAndGet();
        run.ended();
      }
    });
    await().until(() -> loop.getState() == Thread.State.WAITING);
    assertThat(run.close(() -> { }, wake::countDown, Duration.ofSeconds(30))).isTrue();
    assertThat(closedClients).as("close returns only after the loop ended").hasValue(1);
    assertThat(run.close(closedClients::incrementAndGet, wake::countDown, Duration.ofSeconds(1))).isFalse();
    assertThat(closedClients).hasValue(1);
    loop.join();
  }

  @Test
  void aLoopThatDoesNotEndIsWaitedForOnlyAsLongAsAsked() {
    ServiceRun run = new ServiceRun("Svc");
    assertThat(run.begin()).isTrue();
    long start = System.nanoTime();
    assertThat(run.close(() -> { }, () -> { }, Duration.ofMillis(200))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(10));
  }
}
