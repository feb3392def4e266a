package io.glasswatch.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How a long-running command ({@code serve}, {@code ingest}) waits to be stopped, and stops its
 * services exactly once.
 *
 * <p>SIGTERM (how systemd and Kubernetes stop a process) and SIGINT (Ctrl-C) only release
 * {@link #await()}: the command's own thread then stops its {@link ServiceGroup}, newest first, and
 * returns, so the process exits with the command's status (0), not 143 or 130. Any other way the JVM
 * shuts down (SIGHUP, {@code System.exit} elsewhere, a platform without these signals) runs a shutdown
 * hook that releases {@link #await()} and stops the same group; the group stops each service once,
 * whichever thread comes first. {@link #close()} restores the previous signal handlers and removes the
 * hook, so a command run in process (tests) leaves the JVM as it found it.
 *
 * <p>The signal handlers use {@code sun.misc.Signal} (module {@code jdk.unsupported}), the JDK's only
 * way to handle a signal without starting the JVM's shutdown.
 */
public final class StopSignal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
  private static final String[] SIGNALS = {"TERM", "INT"};

  private final CountDownLatch stop = new CountDownLatch(1);
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private final Thread hook;
  private volatile String reason;

  private StopSignal(ServiceGroup services, String threadName) {
    for (String name : SIGNALS) {
      try {
        Signal signal = new Signal(name);
        previous.put(signal, Signal.handle(signal, s -> release("SIG" + s.getName())));
      } catch (IllegalArgumentException e) {
        LOG.debug("cannot handle SIG{} here ({}); the shutdown hook stops the services", name, e.getMessage());
      }
    }
    hook = new Thread(() -> {
      release("JVM shutdown");
      services.close();
    }, threadName);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Installs the signal handlers and the shutdown hook for {@code services}.
   *
   * @param services what the shutdown hook stops when the JVM shuts down before {@link #await()} returned
   * @param threadName name of the shutdown hook's thread
   */
  public static StopSignal install(ServiceGroup services, String threadName) {
    return new StopSignal(services, threadName);
  }

  private void release(String why) {
    if (reason == null) {
      reason = why;
    }
    stop.countDown();
  }

  /**
   * Blocks until SIGTERM, SIGINT or the JVM's shutdown.
   *
   * @return what released it, e.g. {@code SIGTERM}
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public String await() throws InterruptedException {
    stop.await();
    return reason;
  }

  /** Restores the previous signal handlers and removes the shutdown hook (unless the JVM is shutting down). */
  @Override
  public void close() {
    previous.forEach((signal, handler) -> {
      try {
        Signal.handle(signal, handler);
      } catch (IllegalArgumentException e) {
        LOG.debug("cannot restore the handler of SIG{}: {}", signal.getName(), e.getMessage());
      }
    });
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      LOG.debug("the JVM is shutting down; its hook stops the services");
    }
  }
}
