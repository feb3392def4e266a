package io.glasswatch.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services started one after another and stopped together: {@link #close()} stops each exactly once,
 * newest first, however many threads call it (the command's own close and a JVM shutdown hook may
 * both do); later calls return at once, a call during the first waits for it to finish. A service
 * that fails to stop is logged and the others are still stopped. Thread-safe.
 */
public final class ServiceGroup implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceGroup.class);

  /** A started service and its name in progress lines. */
  private record Named(String name, AutoCloseable service) {}

  private final Deque<Named> open = new ArrayDeque<>();
  private final Consumer<String> progress;
  private boolean closed;

  /**
   * An empty group.
   *
   * @param progress receives {@code stopped <name>} after each service stops (never a secret)
   */
  public ServiceGroup(Consumer<String> progress) {
    this.progress = progress;
  }

  /**
   * Adds a started service, to be stopped before every service added earlier.
   *
   * @param name how progress lines name it, e.g. {@code streams app}
   * @param service the service; null adds nothing
   * @return {@code service}
   * @throws IllegalStateException when the group is already closed (the service is closed first)
   */
  public synchronized <T extends AutoCloseable> T add(String name, T service) {
    if (service == null) {
      return null;
    }
    if (closed) {
      stop(new Named(name, service));
      throw new IllegalStateException("cannot add " + name + ": the services are stopped");
    }
    open.push(new Named(name, service));
    return service;
  }

  /** Whether {@link #close()} has begun. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Stops every service once, newest first; errors are logged, not thrown. */
  @Override
  public synchronized void close() {
    closed = true;
    while (!open.isEmpty()) {
      stop(open.pop());
    }
  }

  private void stop(Named n) {
    try {
      n.service().close();
      progress.accept("stopped " + n.name());
    } catch (Exception e) {
      LOG.warn("error while stopping {}: {}", n.name(), e.toString());
      progress.accept("stopped " + n.name() + " (with an error: " + e + ")");
    }
  }
}
