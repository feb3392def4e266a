package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyedExecutorTest {

  private static boolean open(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void runsTasksOfTheSameKeyOneAfterAnotherInSubmissionOrder() {
    List<String> log = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    try (KeyedExecutor ex = new KeyedExecutor(4, "t")) {
      CompletableFuture<String> first = ex.submit("acct|ps", () -> {
        log.add("first-start");
        open(release);
        log.add("first-end");
        return "first";
      });
      CompletableFuture<String> second = ex.submit("acct|ps", () -> {
        log.add("second");
        return "second";
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("first-start"));
      assertThat(second).isNotDone();
      release.countDown();
      assertThat(second.join()).isEqualTo("second");
      assertThat(first.join()).isEqualTo("first");
      assertThat(log).containsExactly("first-start", "first-end", "second");
      await().atMost(Duration.ofSeconds(5)).until(() -> ex.activeKeys() == 0);
    }
  }

  @Test
  void runsDifferentKeysInParallel() {
    CountDownLatch bothRunning = new CountDownLatch(2);
    try (KeyedExecutor ex = new KeyedExecutor(2, "t")) {
      CompletableFuture<Boolean> a = ex.submit("111111111111|ps", () -> {
        bothRunning.countDown();
        return open(bothRunning);
      });
      CompletableFuture<Boolean> b = ex.submit("222222222222|ps", () -> {
        bothRunning.countDown();
        return open(bothRunning);
      });
      // each task waits for the other: only parallel execution lets both see the latch open
      assertThat(a.join()).isTrue();
      assertThat(b.join()).isTrue();
    }
  }

  @Test
  void keepsGoingAfterAFailedTaskOfTheSameKey() {
    try (KeyedExecutor ex = new KeyedExecutor(1, "t")) {
      CompletableFuture<String> bad = ex.submit("k", () -> {
        throw new IllegalStateException("boom");
      });
      CompletableFuture<String> next = ex.submit("k", () -> "next");
      assertThat(next.join()).isEqualTo("next");
      assertThat(bad).isCompletedExceptionally();
    }
  }
}
