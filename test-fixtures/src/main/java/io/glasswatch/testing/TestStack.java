package io.glasswatch.testing;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.Component;
import io.glasswatch.stack.ComponentStatus;
import io.glasswatch.stack.LocalStack;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The local stack of integration tests: one per test JVM, started lazily, shared by every test JVM on
 * the machine.
 *
 * <p>{@code TestStack.settings(Component.KAFKA, Component.ELASTICSEARCH)} starts the requested
 * components that are not running yet, reuses those that are (so CI can pre-start the test stack once
 * for all modules with {@code glasswatch stack up} and the same directory and ports), and returns
 * complete settings: addresses, generated Elasticsearch credentials, the moto endpoint.
 *
 * <p>Directory and ports come from {@link TestStackSettings}, read once from the system properties
 * (defaults: {@code <repository root>/.glasswatch/test-stack} ({@value #DIR_PROPERTY}), ports 29092
 * ({@value #KAFKA_PORT_PROPERTY}), 28081 ({@value #REGISTRY_PORT_PROPERTY}), 29200
 * ({@value #ES_PORT_PROPERTY}), 25000 ({@value #MOTO_PORT_PROPERTY})).
 *
 * <p>At JVM exit, servers started by test JVMs are stopped by the last test JVM using the stack
 * (each JVM holds a lease file under {@code <dir>/test-leases/}); servers started any other way are
 * never stopped. Set {@value #KEEP_PROPERTY}{@code =true} (or the environment variable
 * {@value #KEEP_ENV}{@code =true}) to leave them running for the next run.
 * Thread-safe.
 */
public final class TestStack {
  /** System property: the test stack directory ({@link TestStackSettings#DIR_PROPERTY}). */
  public static final String DIR_PROPERTY = TestStackSettings.DIR_PROPERTY;
  /** System property: Kafka port ({@link TestStackSettings#KAFKA_PORT_PROPERTY}). */
  public static final String KAFKA_PORT_PROPERTY = TestStackSettings.KAFKA_PORT_PROPERTY;
  /** System property: Apicurio Registry port ({@link TestStackSettings#REGISTRY_PORT_PROPERTY}). */
  public static final String REGISTRY_PORT_PROPERTY = TestStackSettings.REGISTRY_PORT_PROPERTY;
  /** System property: Elasticsearch HTTP port ({@link TestStackSettings#ES_PORT_PROPERTY}). */
  public static final String ES_PORT_PROPERTY = TestStackSettings.ES_PORT_PROPERTY;
  /** System property: moto port ({@link TestStackSettings#MOTO_PORT_PROPERTY}). */
  public static final String MOTO_PORT_PROPERTY = TestStackSettings.MOTO_PORT_PROPERTY;
  /** System property: {@code true} leaves the servers running at JVM exit ({@link TestStackSettings#KEEP_PROPERTY}). */
  public static final String KEEP_PROPERTY = TestStackSettings.KEEP_PROPERTY;
  /** Environment variable with the meaning of {@link #KEEP_PROPERTY} ({@link TestStackSettings#KEEP_ENV}). */
  public static final String KEEP_ENV = TestStackSettings.KEEP_ENV;

  private static final Object MONITOR = new Object();
  private static LocalStack stack;
  private static TestStackSettings config;
  private static Path leaseFile;

  private TestStack() {}

  /**
   * Settings of the test stack with {@code components} running, starting those that are not.
   *
   * @param components what the calling test needs; none means "whatever runs"
   * @return complete settings (Kafka bootstrap, registry URL, Elasticsearch URL and users, moto endpoint
   *     when moto runs, {@code revoke.dry-run=true} when moto is not installed)
   * @throws io.glasswatch.stack.StackException when a server cannot be started (message has its log tail)
   */
  public static GlasswatchSettings settings(Component... components) {
    synchronized (MONITOR) {
      LocalStack s = stack();
      Set<Component> wanted = components.length == 0 ? EnumSet.noneOf(Component.class) : EnumSet.copyOf(List.of(components));
      return withTestLock(s, () -> {
        Set<Component> missing = EnumSet.noneOf(Component.class);
        for (Component c : wanted) {
          if (!s.status(c).isRunning()) {
            missing.add(c);
          }
        }
        GlasswatchSettings result = s.up(wanted, line -> System.err.println("[test-stack] " + line));
        for (Component c : missing) {
          ComponentStatus st = s.status(c);
          if (st.state() == ComponentStatus.State.RUNNING_OWNED) {
            recordStartedByTests(s, c, st.pid());
          }
        }
        return result;
      });
    }
  }

  /** The test stack's directory (absolute). */
  public static Path directory() {
    synchronized (MONITOR) {
      return stack().directory();
    }
  }

  /**
   * The settings describing the test stack, before anything is started (ports, directory): this JVM's
   * {@link TestStackSettings#glasswatchSettings()}.
   *
   * @throws IllegalStateException when a property is set to an invalid value
   */
  public static GlasswatchSettings baseSettings() {
    return TestStackSettings.fromSystem().glasswatchSettings();
  }

  private static LocalStack stack() {
    if (stack == null) {
      config = TestStackSettings.fromSystem();
      stack = new LocalStack(config.glasswatchSettings());
      takeLease(stack.directory());
      Runtime.getRuntime().addShutdownHook(new Thread(TestStack::release, "glasswatch-test-stack-release"));
    }
    return stack;
  }

  private static void takeLease(Path dir) {
    ProcessHandle me = ProcessHandle.current();
    leaseFile = dir.resolve("test-leases").resolve(me.pid() + ".lease");
    try {
      Files.createDirectories(leaseFile.getParent());
      Files.writeString(leaseFile, me.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the test stack lease " + leaseFile, e);
    }
  }

  /** Shutdown hook: drop this JVM's lease; the last live lease holder stops servers started by tests. */
  static void release() {
    synchronized (MONITOR) {
      if (stack == null) {
        return;
      }
      LocalStack s = stack;
      try {
        withTestLock(s, () -> {
          Files.deleteIfExists(leaseFile);
          if (config.keep()) {
            System.err.println("[test-stack] " + KEEP_PROPERTY + "=true (or " + KEEP_ENV + "=true): leaving the test stack running");
            return null;
          }
          if (otherLiveLeases(leaseFile.getParent())) {
            System.err.println("[test-stack] other test JVMs use the test stack: leaving it running");
            return null;
          }
          Properties started = readStarted(s);
          Set<Component> toStop = EnumSet.noneOf(Component.class);
          for (Component c : Component.values()) {
            String pid = started.getProperty(c.name());
            if (pid == null) {
              continue;
            }
            ComponentStatus st = s.status(c);
            if (st.pid() != null && pid.equals(Long.toString(st.pid()))) {
              toStop.add(c);
            } else {
              started.remove(c.name());
            }
          }
          if (!toStop.isEmpty()) {
            s.down(toStop, line -> System.err.println("[test-stack] " + line));
            toStop.forEach(c -> started.remove(c.name()));
          }
          writeStarted(s, started);
          return null;
        });
      } catch (RuntimeException e) {
        System.err.println("[test-stack] could not stop the test stack: " + e.getMessage());
      }
    }
  }

  /** Whether another live JVM holds a lease; stale leases (their JVM gone) are deleted. */
  static boolean otherLiveLeases(Path leaseDir) throws IOException {
    if (!Files.isDirectory(leaseDir)) {
      return false;
    }
    boolean any = false;
    try (Stream<Path> s = Files.list(leaseDir)) {
      for (Path lease : s.filter(p -> p.getFileName().toString().endsWith(".lease")).toList()) {
        if (leaseIsLive(lease)) {
          any = true;
        } else {
          Files.deleteIfExists(lease);
        }
      }
    }
    return any;
  }

  static boolean leaseIsLive(Path lease) {
    String name = lease.getFileName().toString();
    long pid;
    try {
      pid = Long.parseLong(name.substring(0, name.length() - ".lease".length()));
    } catch (NumberFormatException e) {
      return false;
    }
    String recorded;
    try {
      recorded = Files.readString(lease).trim();
    } catch (IOException e) {
      return false;
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> recorded.isEmpty()
        || h.info().startInstant().map(i -> Math.abs(i.toEpochMilli() - Long.parseLong(recorded)) <= 1000).orElse(true))
        .isPresent();
  }

  private static Path startedFile(LocalStack s) {
    return s.directory().resolve("test-leases").resolve("started-by-tests.properties");
  }

  private static Properties readStarted(LocalStack s) throws IOException {
    Properties p = new Properties();
    Path f = startedFile(s);
    if (Files.isRegularFile(f)) {
      try (Reader r = Files.newBufferedReader(f)) {
        p.load(r);
      }
    }
    return p;
  }

  private static void recordStartedByTests(LocalStack s, Component c, Long pid) {
    try {
      Properties p = readStarted(s);
      p.setProperty(c.name(), Long.toString(pid));
      writeStarted(s, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record " + startedFile(s), e);
    }
  }

  private static void writeStarted(LocalStack s, Properties p) throws IOException {
    Path f = startedFile(s);
    Files.createDirectories(f.getParent());
    try (Writer w = Files.newBufferedWriter(f)) {
      p.store(w, "servers started by test JVMs (component=pid); the last test JVM to exit stops them");
    }
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** Runs {@code action} holding the inter-process test stack lock (serializes test JVMs). */
  private static <T> T withTestLock(LocalStack s, IoSupplier<T> action) {
    Path lock = s.directory().resolve("test-stack.lock");
    try {
      Files.createDirectories(s.directory());
      try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = ch.lock()) {
        return action.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("test stack lock " + lock + ": " + e.getMessage(), e);
    }
  }

}
