package io.glasswatch.alerts.enforcement;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Runs tasks so that tasks with the same key run one after another, in submission order, while
 * tasks with different keys run in parallel: each task runs on a virtual thread of its own, at most
 * {@code threads} at once (a task blocked in I/O or a backoff wait holds only its key's lane).
 *
 * <p>Each key has a tail future; a new task for the key is chained after it. A key's chain is
 * dropped once its last task finished, so idle keys cost nothing.
 */
final class KeyedExecutor implements AutoCloseable {
  private final ExecutorService pool;
  private final Semaphore permits;
  private final Map<String, CompletableFuture<?>> tails = new HashMap<>();

  /**
   * @param threads pool size, at least 1
   * @param name thread name prefix
   */
  KeyedExecutor(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    ThreadFactory tf = Thread.ofVirtual().name(name + "-", 1).factory();
    ExecutorService perTask = Executors.newThreadPerTaskExecutor(tf);
    Semaphore permits = new Semaphore(threads);
    this.pool = perTask;
    this.permits = permits;
  }

  /**
   * Runs {@code task} after every earlier task of {@code key} has finished (successfully or not).
   *
   * @return the task's result, or its exception
   */
  synchronized <T> CompletableFuture<T> submit(String key, Supplier<T> task) {
    CompletableFuture<?> previous = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
    CompletableFuture<T> next = previous.handle((r, e) -> null).thenApplyAsync(ignored -> limited(task), pool);
    tails.put(key, next);
    next.whenComplete((r, e) -> {
      synchronized (this) {
        tails.remove(key, next);
      }
    });
    return next;
  }

  private <T> T limited(Supplier<T> task) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("interrupted while waiting for a free slot");
    }
    try {
      return task.get();
    } finally {
      permits.release();
    }
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
