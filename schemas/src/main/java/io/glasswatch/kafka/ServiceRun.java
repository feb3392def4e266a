package io.glasswatch.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a service whose {@code run()} loop owns a thread: run once, closed once from any thread,
 * and a close that waits for the loop to end. Shared by the revoke executor, the containment service
 * and the on-call dispatcher, next to their {@link TrackedConsumer}.
 *
 * <p>In {@code run()}: {@link #begin()} first (outside the {@code try}), the loop while
 * {@link #closing()} is false, and {@link #ended()} last in its {@code finally}. In {@code close()}:
 * {@link #close(Runnable, Runnable, Duration)} with what closes the clients when the loop never started
 * and what wakes a running loop (typically {@code consumer::wakeup}). Thread-safe.
 */
public final class ServiceRun {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRun.class);

  private final String name;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch ended = new CountDownLatch(1);

  /**
   * A service's life.
   *
   * @param name the service's name in messages, e.g. {@code "RevokeService"}
   */
  public ServiceRun(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Starts the loop; call first in {@code run()}, before its {@code try}.
   *
   * @return true to run the loop; false when {@link #close} came first (the loop must end at once,
   *     its {@code finally} still calling {@link #ended()})
   * @throws IllegalStateException when called a second time ("NAME.run() may be called once")
   */
  public boolean begin() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException(name + ".run() may be called once");
    }
    return !closing.get();
  }

  /**
   * Whether the service is closing: the loop stops, and work cut short by it records no result.
   *
   * @return true once {@link #close} was called
   */
  public boolean closing() {
    return closing.get();
  }

  /** The loop has ended and closed its clients; call last in {@code run()}'s {@code finally}. */
  public void ended() {
    ended.countDown();
  }

  /**
   * Closes the service, once: when the loop never started, {@code neverStarted} closes the clients
   * (a later {@link #begin()} then returns false); otherwise {@code wakeup} interrupts the loop and
   * the call waits up to {@code wait} for {@link #ended()}, logging a warning when it does not come.
   *
   * @param neverStarted closes the clients of a service whose loop never ran
   * @param wakeup wakes a running loop (e.g. {@code KafkaConsumer.wakeup})
   * @param wait longest wait for the loop to end
   * @return true for the first call, false for every later one (which does nothing)
   */
  public boolean close(Runnable neverStarted, Runnable wakeup, Duration wait) {
    if (!closing.compareAndSet(false, true)) {
      return false;
    }
    if (started.compareAndSet(false, true)) {
      try {
        neverStarted.run();
      } finally {
        ended.countDown();
      }
      return true;
    }
    wakeup.run();
    try {
      if (!ended.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} still running {} after close", name, wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }
}
