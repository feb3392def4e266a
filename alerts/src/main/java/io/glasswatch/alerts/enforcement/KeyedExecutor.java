package io.glasswatch.alerts.enforcement;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs tasks on a small thread pool so that tasks with the same key run one after another, in
 * submission order, while tasks with different keys run in parallel (up to the pool size).
 *
 * <p>Each key has a tail future; a new task for the key is chained after it. A key's chain is
 * dropped once its last task finished, so idle keys cost nothing.
 */
final class KeyedExecutor implements AutoCloseable {
  private final ExecutorService pool;
  private final Map<String, CompletableFuture<?>> tails = new HashMap<>();

  /**
   * @param threads pool size, at least 1
   * @param name thread name prefix
   */
  KeyedExecutor(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(threads, tf);
  }

  /**
   * Runs {@code task} after every earlier task of {@code key} has finished (successfully or not).
   *
   * @return the task's result, or its exception
   */
  synchronized <T> CompletableFuture<T> submit(String key, Supplier<T> task) {
    CompletableFuture<?> previous = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
    CompletableFuture<T> next = previous.handle((r, e) -> null).thenApplyAsync(ignored -> task.get(), pool);
    tails.put(key, next);
    next.whenComplete((r, e) -> {
      synchronized (this) {
        tails.remove(key, next);
      }
    });
    return next;
  }

  /**
   * Keys with unfinished tasks.
   *
   * @return keys with unfinished tasks
   */
  synchronized int activeKeys() {
    return tails.size();
  }

  /** Stops accepting tasks and waits up to {@code timeout} for running ones. */
  void shutdown(Duration timeout) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }
}
