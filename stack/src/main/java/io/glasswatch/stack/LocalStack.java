package io.glasswatch.stack;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.ComponentStatus.State;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Glasswatch's local stack: real Kafka (KRaft), Apicurio Registry, Elasticsearch (security on) and
 * moto as separate OS processes on 127.0.0.1, so {@code glasswatch stack up} can exit and leave them
 * running, and {@code status}/{@code down} work from another JVM.
 *
 * <p>Everything lives under one directory, setting {@link GlasswatchSettings#STACK_DIR} (default
 * {@code .glasswatch/stack}, relative to the working directory): {@code kafka/}, {@code registry/},
 * {@code elasticsearch/}, {@code moto/} (each with configuration, data, {@code server.pid} and
 * {@code server.log}), {@code dist/} (unpacked distributions) and {@code credentials.properties}
 * (generated Elasticsearch passwords, mode 600). Ports come from the {@code stack.*.port} settings:
 * Kafka's controller listens on port+1, the registry's management interface on port+1, and
 * Elasticsearch's transport on port+100.
 *
 * <p>{@link #up} starts what is missing and reuses what runs; readiness is checked by polling with a
 * bounded timeout per server, and a server that exits or times out is reported with the tail of its
 * log. {@link #down} stops only servers this stack started (SIGTERM, then SIGKILL after 30 s), never a
 * foreign process on the same port. Starting and stopping take an inter-process lock
 * ({@code stack.lock}), so concurrent JVMs sharing a stack directory do not race.
 *
 * <p>Thread-safe. No secret is ever passed to the progress consumer or a log.
 */
public final class LocalStack {
  /** Settings key of the read-only Elasticsearch user for investigators (not in the shared settings). */
  public static final String ES_READER_USER = GlasswatchSettings.ES_READER_USER;
  /** Password of {@link #ES_READER_USER}. */
  public static final String ES_READER_PASSWORD = GlasswatchSettings.ES_READER_PASSWORD;

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final GlasswatchSettings input;
  private final StackSettings stack;
  private final StackLayout layout;
  private final Map<Component, Server> servers;
  private volatile boolean motoMissing;

  /**
   * A stack described by {@code settings}: its directory ({@link GlasswatchSettings#STACK_DIR}), ports
   * ({@code stack.*.port}) and the rest of {@link StackSettings}, read and validated here once. Nothing is
   * started or created until {@link #up}.
   *
   * @throws io.glasswatch.config.ConfigException listing every invalid stack setting, naming its key
   */
  public LocalStack(GlasswatchSettings settings) {
    this(settings, defaultServers());
  }

  LocalStack(GlasswatchSettings settings, Map<Component, Server> servers) {
    this.input = settings;
    this.stack = StackSettings.from(settings);
    this.layout = new StackLayout(stack.directory());
    this.servers = Map.copyOf(servers);
  }

  private static Map<Component, Server> defaultServers() {
    Map<Component, Server> m = new EnumMap<>(Component.class);
    m.put(Component.KAFKA, new KafkaServer());
    m.put(Component.REGISTRY, new RegistryServer());
    m.put(Component.ELASTICSEARCH, new ElasticsearchServer());
    m.put(Component.MOTO, new MotoServer());
    return m;
  }

  /** The stack directory, absolute. */
  public Path directory() {
    return layout.root();
  }

  /**
   * Starts the given components unless they already run, waits until each is ready, and returns
   * {@link #settings()}. Servers are launched together and probed concurrently; a progress line per
   * component (e.g. {@code kafka         started on 127.0.0.1:19092 in 2.1 s}) goes to
   * {@code progress}. A port answering without our pid file is reported as used by another process
   * and left alone; a stale pid file (its process gone) is removed. Requesting {@link Component#MOTO}
   * where moto is not installed does not fail: the returned settings have
   * {@link GlasswatchSettings#REVOKE_DRY_RUN} {@code true}.
   *
   * @param components what to start; empty means nothing
   * @param progress receives one human-readable line per event (never a secret)
   * @return the completed settings (addresses, credentials, moto endpoint)
   * @throws StackException when a server cannot be prepared, exits during start or is not ready in
   *     time (message includes the tail of its log); servers that did start keep running
   */
  public GlasswatchSettings up(Set<Component> components, Consumer<String> progress) {
    Consumer<String> out = synchronizedConsumer(progress);
    withLock(() -> {
      Credentials credentials = components.contains(Component.ELASTICSEARCH) ? ensureCredentials() : null;
      Map<Component, ProcessBuilder> prepared = new EnumMap<>(Component.class);
      List<Launch> launches = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      for (Component c : EnumSet.copyOf(components.isEmpty() ? EnumSet.noneOf(Component.class) : components)) {
        ComponentStatus st = status(c);
        switch (st.state()) {
          case RUNNING_OWNED -> {
            if (servers.get(c).ready(stack, credentials)) {
              out.accept(line(c, "already running on " + st.address() + " (pid " + st.pid() + ")"));
            } else {
              Optional<PidFile> pid = PidFile.read(layout.pidFile(c));
              Optional<ProcessHandle> handle = pid.flatMap(PidFile::liveProcess);
              if (handle.isPresent()) {
                out.accept(line(c, "running (pid " + st.pid() + ") but not ready; waiting for it"));
                launches.add(new Launch(c, handle.get(), null, System.nanoTime(), pid.get()));
              }
            }
          }
          case RUNNING_EXTERNAL -> out.accept(line(c, "WARNING: " + st.address()
              + " is used by a process this stack did not start; not starting, using it as is"));
          case UNAVAILABLE -> {
            if (c == Component.MOTO) {
              motoMissing = true;
            }
            out.accept(line(c, "unavailable: " + st.detail()));
          }
          case STOPPED -> {
            try {
              prepared.put(c, prepare(c, credentials, out));
            } catch (StackException e) {
              failures.add(e.getMessage());
            } catch (IOException e) {
              failures.add(c.displayName() + ": cannot prepare " + layout.dir(c) + ": " + e.getMessage());
            }
          }
          default -> throw new IllegalStateException(st.state().toString());
        }
      }
      for (Map.Entry<Component, ProcessBuilder> e : prepared.entrySet()) {
        try {
          launches.add(launch(e.getKey(), e.getValue(), out));
        } catch (IOException ex) {
          failures.add(e.getKey().displayName() + ": cannot launch " + e.getValue().command().get(0) + ": " + ex.getMessage());
        }
      }
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<CompletableFuture<String>> waits = launches.stream()
            .map(l -> CompletableFuture.supplyAsync(() -> awaitReady(l, credentials, out), pool)).toList();
        for (CompletableFuture<String> w : waits) {
          String failure = w.join();
          if (failure != null) {
            failures.add(failure);
          }
        }
      }
      if (!failures.isEmpty()) {
        throw new StackException(String.join(System.lineSeparator() + System.lineSeparator(), failures));
      }
    });
    return settings();
  }

  /** A launched server waiting for readiness. */
  private record Launch(Component component, ProcessHandle handle, Process process, long startNanos, PidFile pidFile) {}

  /** Checks ports, removes a stale pid file, writes configuration; returns the command to launch. */
  private ProcessBuilder prepare(Component c, Credentials credentials, Consumer<String> out) throws IOException {
    Server server = servers.get(c);
    Path pidFile = layout.pidFile(c);
    if (Files.exists(pidFile)) {
      Files.delete(pidFile);
      out.accept(line(c, "removed stale pid file " + pidFile));
    }
    for (Server.Port extra : server.extraPorts(stack)) {
      if (Probes.portAnswers(extra.port())) {
        throw new StackException(c.displayName() + ": port 127.0.0.1:" + extra.port() + " (" + extra.role()
            + ") is used by another process; free it or change " + c.portKey());
      }
    }
    Files.createDirectories(layout.dir(c));
    return server.prepare(layout, stack, credentials);
  }

  /** Starts the prepared command with output to the component's log, and writes its pid file. */
  private Launch launch(Component c, ProcessBuilder pb, Consumer<String> out) throws IOException {
    Path log = layout.logFile(c);
    pb.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    long start = System.nanoTime();
    Process process = pb.start();
    PidFile pid = PidFile.of(process.toHandle());
    pid.write(layout.pidFile(c));
    out.accept(line(c, "starting on " + address(c) + " (pid " + process.pid() + ", log " + log + ")"));
    return new Launch(c, process.toHandle(), process, start, pid);
  }

  /** Polls until ready; returns null on success, else the failure message (the process is stopped). */
  private String awaitReady(Launch l, Credentials credentials, Consumer<String> out) {
    Component c = l.component();
    Server server = servers.get(c);
    long deadline = l.startNanos() + server.startTimeout().toNanos();
    try {
      while (true) {
        if (!l.handle().isAlive()) {
          Files.deleteIfExists(layout.pidFile(c));
          String status = l.process() == null ? "" : " with status " + l.process().waitFor();
          return c.displayName() + ": exited" + status + " during start; last lines of "
              + layout.logFile(c) + ":" + System.lineSeparator() + Processes.tail(layout.logFile(c), 40);
        }
        if (server.ready(stack, credentials)) {
          Duration took = Duration.ofNanos(System.nanoTime() - l.startNanos());
          l.pidFile().withStartDuration(took).write(layout.pidFile(c));
          out.accept(line(c, "started on " + address(c) + " in " + seconds(took)));
          return null;
        }
        if (System.nanoTime() > deadline) {
          Processes.terminate(l.handle(), Duration.ofSeconds(10));
          Files.deleteIfExists(layout.pidFile(c));
          return c.displayName() + ": not ready within " + server.startTimeout().toSeconds() + " s (stopped it); last lines of "
              + layout.logFile(c) + ":" + System.lineSeparator() + Processes.tail(layout.logFile(c), 40);
        }
        try {
          l.handle().onExit().get(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
          // still running (or cannot tell): probe again
        }
      }
    } catch (IOException e) {
      return c.displayName() + ": cannot update " + layout.pidFile(c) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return c.displayName() + ": interrupted while waiting for readiness";
    }
  }

  /** The credentials file's users, created with random passwords (or those in the settings) if missing. */
  private Credentials ensureCredentials() {
    Credentials existing = Credentials.read(layout.credentialsFile());
    if (existing != null) {
      return existing;
    }
    Credentials fresh = Credentials.generate(stack.users());
    try {
      fresh.write(layout.credentialsFile());
    } catch (IOException e) {
      throw new StackException("cannot write " + layout.credentialsFile() + ": " + e.getMessage(), e);
    }
    return fresh;
  }

  /** Status of every component, in {@link Component} order. */
  public List<ComponentStatus> status() {
    List<ComponentStatus> list = new ArrayList<>();
    for (Component c : Component.values()) {
      list.add(status(c));
    }
    return list;
  }

  /**
   * Status of one component: RUNNING_OWNED when its pid file names a live process (detail: start time
   * and memory), RUNNING_EXTERNAL when its port answers without that, UNAVAILABLE when it cannot run
   * here, else STOPPED (detail mentions a stale pid file).
   */
  public ComponentStatus status(Component c) {
    String address = address(c);
    Optional<PidFile> pid = PidFile.read(layout.pidFile(c));
    Optional<ProcessHandle> live = pid.flatMap(PidFile::liveProcess);
    if (live.isPresent()) {
      PidFile p = pid.get();
      StringBuilder d = new StringBuilder();
      d.append(p.startDuration() == null ? "starting" : "started in " + seconds(p.startDuration()));
      Processes.memory(live.get()).ifPresent(m ->
          d.append("; rss ").append(m.rssMiB()).append(" MiB (peak ").append(m.peakRssMiB()).append(" MiB)"));
      if (!Probes.portAnswers(stack.port(c))) {
        d.append("; port not answering");
      }
      return new ComponentStatus(c, State.RUNNING_OWNED, address, p.pid(), d.toString());
    }
    String stale = pid.isPresent() ? "stale pid file (process " + pid.get().pid() + " is gone)"
        : Files.exists(layout.pidFile(c)) ? "unreadable pid file " + layout.pidFile(c) : null;
    if (Probes.portAnswers(stack.port(c))) {
      return new ComponentStatus(c, State.RUNNING_EXTERNAL, address, null,
          "port answers but this stack did not start the server" + (stale == null ? "" : "; " + stale));
    }
    String unavailable = servers.get(c).unavailableReason();
    if (unavailable != null) {
      return new ComponentStatus(c, State.UNAVAILABLE, address, null, unavailable);
    }
    return new ComponentStatus(c, State.STOPPED, address, null, stale == null ? "not running" : stale);
  }

  /**
   * Resident memory of a running owned component's process tree.
   *
   * @return empty when the component is not RUNNING_OWNED or /proc cannot be read
   */
  public Optional<MemoryUsage> memory(Component c) {
    return PidFile.read(layout.pidFile(c)).flatMap(PidFile::liveProcess).flatMap(Processes::memory);
  }

  /** Launch-to-ready duration of each running owned component, as recorded in its pid file. */
  public Map<Component, Duration> startDurations() {
    Map<Component, Duration> m = new EnumMap<>(Component.class);
    for (Component c : Component.values()) {
      PidFile.read(layout.pidFile(c))
          .filter(p -> p.startDuration() != null && p.liveProcess().isPresent())
          .ifPresent(p -> m.put(c, p.startDuration()));
    }
    return m;
  }

  /** Stops every component this stack started, see {@link #down(Set, Consumer)}. */
  public void down(Consumer<String> progress) {
    down(EnumSet.allOf(Component.class), progress);
  }

  /**
   * Stops the given components, concurrently, if this stack started them (live process named by the
   * pid file): SIGTERM to the server's process tree, up to 30 s to exit, then SIGKILL. Stale pid files are
   * removed; servers this stack did not start are left running. Data, configuration and credentials
   * stay (the registry's in-memory storage is lost).
   *
   * @throws StackException when a pid file cannot be removed
   */
  public void down(Set<Component> components, Consumer<String> progress) {
    Consumer<String> out = synchronizedConsumer(progress);
    withLock(() -> {
      List<String> failures = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Component c : components) {
          stops.add(CompletableFuture.runAsync(() -> stop(c, out), pool));
        }
        for (CompletableFuture<Void> f : stops) {
          try {
            f.join();
          } catch (CompletionException e) {
            failures.add(e.getCause().getMessage());
          }
        }
      }
      if (!failures.isEmpty()) {
        throw new StackException(String.join(System.lineSeparator(), failures));
      }
    });
  }

  private void stop(Component c, Consumer<String> out) {
    Path pidFile = layout.pidFile(c);
    Optional<PidFile> pid = PidFile.read(pidFile);
    Optional<ProcessHandle> live = pid.flatMap(PidFile::liveProcess);
    try {
      if (live.isPresent()) {
        long start = System.nanoTime();
        boolean graceful = Processes.terminate(live.get(), STOP_GRACE);
        Files.deleteIfExists(pidFile);
        out.accept(line(c, (graceful ? "stopped" : "killed after " + STOP_GRACE.toSeconds() + " s")
            + " (pid " + live.get().pid() + ") in " + seconds(Duration.ofNanos(System.nanoTime() - start))));
      } else if (Files.exists(pidFile)) {
        Files.delete(pidFile);
        out.accept(line(c, "removed stale pid file"));
      } else if (Probes.portAnswers(stack.port(c))) {
        out.accept(line(c, address(c) + " is served by a process this stack did not start; left running"));
      } else {
        out.accept(line(c, "not running"));
      }
    } catch (IOException e) {
      throw new StackException(c.displayName() + ": cannot remove " + pidFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * The input settings completed for this stack: {@link GlasswatchSettings#KAFKA_BOOTSTRAP},
   * {@link GlasswatchSettings#REGISTRY_URL} and {@link GlasswatchSettings#ES_URL} from the stack ports;
   * the Elasticsearch users and passwords of {@code credentials.properties} when it exists (plus
   * {@link #ES_READER_USER}/{@link #ES_READER_PASSWORD}); {@link GlasswatchSettings#SSO_ENDPOINT}
   * {@code http://127.0.0.1:<moto port>} when moto runs; and {@link GlasswatchSettings#REVOKE_DRY_RUN}
   * {@code true} when moto was requested but is not installed.
   */
  public GlasswatchSettings settings() {
    Map<String, String> m = new LinkedHashMap<>(input.asMap());
    m.put(GlasswatchSettings.KAFKA_BOOTSTRAP, address(Component.KAFKA));
    m.put(GlasswatchSettings.REGISTRY_URL, "http://" + address(Component.REGISTRY) + "/apis/registry/v3");
    m.put(GlasswatchSettings.ES_URL, "http://" + address(Component.ELASTICSEARCH));
    Credentials c = Credentials.read(layout.credentialsFile());
    if (c != null) {
      m.putAll(c.asSettings());
    }
    if (Probes.portAnswers(stack.port(Component.MOTO))) {
      m.put(GlasswatchSettings.SSO_ENDPOINT, "http://" + address(Component.MOTO));
    } else if (motoMissing) {
      m.put(GlasswatchSettings.REVOKE_DRY_RUN, "true");
    }
    return GlasswatchSettings.builder().setAll(m).build();
  }

  /**
   * {@code settings} completed with what this stack gives a command pointed at it, so the local stack
   * is one system: when {@link GlasswatchSettings#KAFKA_BOOTSTRAP} is this stack's Kafka
   * ({@code 127.0.0.1:<stack.kafka.port>} or {@code localhost:<stack.kafka.port>}), no
   * {@link GlasswatchSettings#SSO_ENDPOINT} is set, and this stack's moto runs (its pid file names a
   * live process and its port answers), the IAM Identity Center endpoint is that moto
   * ({@code http://127.0.0.1:<stack.moto.port>}), as {@code glasswatch demo} uses it. Anything else
   * (real AWS, a set endpoint, a stack without moto) is returned unchanged. Reads only the pid file
   * and probes one local port.
   *
   * @param settings a command's settings
   * @return the completed settings, or {@code settings} itself
   * @throws io.glasswatch.config.ConfigException when no endpoint is set and a stack setting is invalid
   *     (see {@link StackSettings#from})
   */
  public static GlasswatchSettings attach(GlasswatchSettings settings) {
    if (settings.isSet(GlasswatchSettings.SSO_ENDPOINT)) {
      return settings;
    }
    StackSettings stack = StackSettings.from(settings);
    String kafka = settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP).strip();
    int kafkaPort = stack.port(Component.KAFKA);
    if (!kafka.equals("127.0.0.1:" + kafkaPort) && !kafka.equals("localhost:" + kafkaPort)) {
      return settings;
    }
    StackLayout layout = new StackLayout(stack.directory());
    boolean motoRuns = PidFile.read(layout.pidFile(Component.MOTO)).flatMap(PidFile::liveProcess).isPresent()
        && Probes.portAnswers(stack.port(Component.MOTO));
    return motoRuns
        ? settings.with(GlasswatchSettings.SSO_ENDPOINT, "http://" + stack.address(Component.MOTO))
        : settings;
  }

  private String address(Component c) {
    return stack.address(c);
  }

  /** {@code "kafka         started ..."}: the component name padded to 14 characters, then the message. */
  static String line(Component c, String message) {
    return String.format(Locale.ROOT, "%-13s %s", c.displayName(), message);
  }

  /** {@code "2.1 s"}. */
  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static Consumer<String> synchronizedConsumer(Consumer<String> c) {
    Object monitor = new Object();
    return s -> {
      synchronized (monitor) {
        c.accept(s);
      }
    };
  }

  /** Runs {@code action} holding this stack directory's in-JVM lock and inter-process file lock. */
  private void withLock(Runnable action) {
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(layout.root(), k -> new ReentrantLock());
    jvmLock.lock();
    try {
      Files.createDirectories(layout.root());
      try (FileChannel ch = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = ch.lock()) {
        action.run();
      }
    } catch (IOException e) {
      throw new StackException("cannot lock " + layout.lockFile() + ": " + e.getMessage(), e);
    } finally {
      jvmLock.unlock();
    }
  }
}
