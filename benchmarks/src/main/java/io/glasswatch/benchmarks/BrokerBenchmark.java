package io.glasswatch.benchmarks;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.stack.ComponentStatus;
import io.glasswatch.stack.LocalStack;
import io.glasswatch.streams.GlasswatchTopology;
import io.glasswatch.streams.StreamsService;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.policy.Policy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Part 2 of the benchmark: the topology on the real broker with exactly-once, through
 * {@link StreamsService} and {@link AvroSerdes#registry(String)} against the benchmark's own Kafka and
 * Apicurio Registry (started here from the local stack, under the work directory and on the
 * benchmark's ports, and stopped at the end if started here).
 *
 * <p>Sequence: fresh topics under a run prefix (3 partitions each, {@code retention.ms=-1}); the open
 * requests are produced and processed (state preloaded), and the app closed cleanly; the measured
 * records are produced (idempotent producer, lz4, 20 ms linger, no streams app running); then the app
 * starts again on its local state, and the time runs until every input record has been consumed and
 * every output written: committed offsets of the app's group equal the end offsets of the input
 * topics, and no data record is left beyond the committed offset of any repartition topic (only
 * transaction markers). Output records are counted afterwards with a read_committed consumer. Topics,
 * consumer group and state are deleted at the end.
 */
final class BrokerBenchmark {
  /** Partitions of every topic. */
  static final int PARTITIONS = 3;

  /** What the broker run measured. */
  record Result(String mode, long preloadRecords, double preloadProduceSeconds, double preloadProcessSeconds,
      long events, double produceSeconds, double startSeconds, double processSeconds, String loadBefore,
      String loadAfter, Map<String, Long> outputs, double appCpu, double kafkaCpu, double registryCpu,
      long backgroundEvents, long lifecycleEvents) {

    double eventsPerSecond() {
      return events / processSeconds;
    }

    void printSummary(PrintStream out) {
      out.printf(Locale.ROOT, "  broker, exactly_once_v2 (%s): %,.0f events/s from RUNNING to lag 0 (%,.0f events/s "
              + "including the %.1f s start) for %,d events; CPU %.1f us/event (app) + %.1f us/event (Kafka) [load %s -> %s]; "
          + "outputs %s%n", mode, eventsPerSecond(), events / (startSeconds + processSeconds), startSeconds, events,
          1e6 * appCpu / events, 1e6 * kafkaCpu / events, loadBefore, loadAfter, outputs);
    }
  }

  private final BenchmarkOptions options;
  private final PrintStream out;

  BrokerBenchmark(BenchmarkOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  Result run() throws Exception {
    out.printf(Locale.ROOT, "%n== Part 2: real broker, exactly_once_v2, %d partitions per topic, Apicurio Registry serdes%n",
        PARTITIONS);
    GlasswatchSettings base = GlasswatchSettings.builder()
        .set(GlasswatchSettings.STACK_DIR, options.workDir().resolve("stack").toString())
        .set(GlasswatchSettings.STACK_KAFKA_PORT, Integer.toString(options.kafkaPort()))
        .set(GlasswatchSettings.STACK_REGISTRY_PORT, Integer.toString(options.registryPort()))
        .set(GlasswatchSettings.STACK_ES_PORT, "29300")
        .set(GlasswatchSettings.STACK_MOTO_PORT, "25100")
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, "127.0.0.1:" + options.kafkaPort())
        .set(GlasswatchSettings.REGISTRY_URL, "http://127.0.0.1:" + options.registryPort() + "/apis/registry/v3")
        .build();
    return OwnStack.run(new LocalStack(base), EnumSet.of(Component.KAFKA, Component.REGISTRY), options.keepStack(),
        out, this::measure);
  }

  private Result measure(LocalStack stack, GlasswatchSettings settings) throws Exception {
    String bootstrap = settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP);
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    String appId = prefix + "glasswatch";
    Path stateDir = options.workDir().resolve("broker-state-" + prefix);
    AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    StreamsSettings streams = new StreamsSettings(appId, bootstrap, stateDir, Policy.defaults(), 0,
        options.commitInterval(), StreamsSettings.EXACTLY_ONCE_V2, 1, StreamsSettings.DEFAULT_MAX_TASK_IDLE, prefix)
        .withNumStreamThreads(options.threads());
    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", bootstrap);
    String mode = options.passthrough()
        ? "PASS-THROUGH topology (bytes, inputs copied to the timeline topic) with " + options.streamsOverrides()
            + ", commit.interval.ms=" + options.commitInterval().toMillis()
        : options.streamsOverrides().isEmpty()
        ? "StreamsService, " + options.threads() + " stream thread(s), commit.interval.ms=" + options.commitInterval().toMillis()
        : "KafkaStreams with " + options.streamsOverrides() + ", commit.interval.ms=" + options.commitInterval().toMillis();
    List<String> topics = Topics.all().stream().map(streams::topic).toList();
    try (Admin admin = Admin.create(adminProps);
        LagMonitor lag = new LagMonitor(admin, bootstrap, appId,
            StreamsService.INPUT_TOPICS.stream().map(streams::topic).toList())) {
      admin.createTopics(topics.stream().map(t -> new NewTopic(t, PARTITIONS, (short) 1)
          .configs(Map.of("retention.ms", "-1"))).toList()).all().get(60, TimeUnit.SECONDS);
      out.printf(Locale.ROOT, "  run prefix %s, state %s, load %s%n", prefix, stateDir, Machine.loadAverage());
      Workload.Options wo = options.workload();
      Instant t0 = wo.start();
      int open = options.openRequests();
      Instant preloadFrom = Workload.openRequestsFrom(t0, open);
      Instant expiresAt = t0.plusMillis((long) (1000 * options.brokerEvents() / wo.backgroundRate())).plus(Duration.ofMinutes(2));
      Workload workload = new Workload(wo);
      try (InputProducer producer = new InputProducer(bootstrap, serdes, streams::topic)) {
        // preload
        long start = System.nanoTime();
        long preloadRecords = producer.send(Workload.openRequests(0, open, preloadFrom, expiresAt, wo.accounts()), Long.MAX_VALUE);
        preloadRecords += producer.send(workload.preRoll().iterator(), Long.MAX_VALUE);
        double preloadProduce = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "  produced the preload: %,d open requests and %,d pre-roll lifecycle records = %,d records in %.1f s; "
            + "open grants last %s (policy maxGrantDuration %s) (load %s)%n", open, workload.preRoll().size(), preloadRecords,
            preloadProduce, Duration.between(preloadFrom, expiresAt), Policy.defaults().maxGrantDuration(), Machine.loadAverage());
        double preloadProcess;
        double preloadCpu = Machine.ownCpuSeconds();
        Profiler preloadProfiler = options.profileDir() == null ? null : Profiler.start("broker-preload", options.profileDir());
        try (App app = app(streams, serdes)) {
          long s0 = System.nanoTime();
          app.start();
          awaitRunning(app);
          lag.awaitCaughtUp(app, Duration.ofMinutes(60), out);
          preloadProcess = (System.nanoTime() - s0) / 1e9;
        }
        preloadCpu = Machine.ownCpuSeconds() - preloadCpu;
        out.printf(Locale.ROOT, "  processed the preload in %.1f s (%,.0f records/s including start; streams app CPU %.0f us/record; load %s)%n",
            preloadProcess, preloadRecords / preloadProcess, 1e6 * preloadCpu / preloadRecords, Machine.loadAverage());
        if (preloadProfiler != null) {
          Profiler.summarize(preloadProfiler.stop(), Profiler::isStreamThread, options.profileTop(), out);
        }
        Map<org.apache.kafka.common.TopicPartition, Long> outputStart = OutputCounter.endOffsets(bootstrap,
            outputTopics(streams));

        // the measured input, produced with no app running
        start = System.nanoTime();
        long events = producer.send(workload, options.brokerEvents());
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "  produced %,d records (%,d background, %,d lifecycle) in %.1f s = %,.0f records/s (load %s)%n",
            events, workload.backgroundCount(), workload.lifecycleCount(), produceSeconds, events / produceSeconds,
            Machine.loadAverage());

        // measured processing
        long kafkaPid = pid(stack, Component.KAFKA);
        long registryPid = pid(stack, Component.REGISTRY);
        String loadBefore = Machine.loadAverage();
        double app0 = Machine.ownCpuSeconds();
        double kafka0 = Machine.cpuSeconds(kafkaPid);
        double registry0 = Machine.cpuSeconds(registryPid);
        Profiler profiler = options.profileDir() == null ? null : Profiler.start("broker-measure", options.profileDir());
        double startSeconds;
        double processSeconds;
        double appCpu;
        double kafkaCpu;
        double registryCpu;
        String loadAfter;
        try (App app = app(streams, serdes)) {
          long s0 = System.nanoTime();
          app.start();
          awaitRunning(app);
          long s1 = System.nanoTime();
          lag.awaitCaughtUp(app, Duration.ofMinutes(30), out);
          long s2 = System.nanoTime();
          startSeconds = (s1 - s0) / 1e9;
          processSeconds = (s2 - s1) / 1e9;
          appCpu = Machine.ownCpuSeconds() - app0;
          kafkaCpu = Machine.cpuSeconds(kafkaPid) - kafka0;
          registryCpu = Machine.cpuSeconds(registryPid) - registry0;
          loadAfter = Machine.loadAverage();
        }
        Path jfr = profiler == null ? null : profiler.stop();
        Map<String, Long> outputs = new TreeMap<>();
        OutputCounter.count(bootstrap, outputStart).forEach((t, n) -> outputs.put(t.substring(prefix.length()), n));
        Result r = new Result(mode, preloadRecords, preloadProduce, preloadProcess, events, produceSeconds, startSeconds,
            processSeconds, loadBefore, loadAfter, outputs, appCpu, kafkaCpu, registryCpu, workload.backgroundCount(),
            workload.lifecycleCount());
        double wall = startSeconds + processSeconds;
        out.printf(Locale.ROOT, "  MEASURED: %,d records: start to RUNNING %.1f s, RUNNING to lag 0 %.2f s = %,.0f events/s "
                + "(%,.0f events/s including the start) [load %s -> %s]%n", events, startSeconds, processSeconds,
            r.eventsPerSecond(), events / wall, loadBefore, loadAfter);
        out.printf(Locale.ROOT, "  CPU during start + processing (%.1f s wall, %d cores): streams app JVM %.1f s (%.0f%% of a core), "
                + "Kafka %.1f s (%.0f%%), registry %.1f s (%.0f%%)%n", wall, Machine.cores(), appCpu, 100 * appCpu / wall,
            kafkaCpu, 100 * kafkaCpu / wall, registryCpu, 100 * registryCpu / wall);
        out.printf(Locale.ROOT, "  CPU per event (less sensitive to a busy machine than events/s): streams app %.1f us, Kafka %.1f us, "
                + "together %.1f us = %,.0f events/s per core%n", 1e6 * appCpu / events, 1e6 * kafkaCpu / events,
            1e6 * (appCpu + kafkaCpu) / events, events / (appCpu + kafkaCpu));
        out.printf(Locale.ROOT, "  output records of the measured run: %s (%.3f timeline entries per input record)%n", outputs,
            outputs.getOrDefault(Topics.TIMELINE, 0L) / (double) events);
        if (jfr != null) {
          Profiler.summarize(jfr, Profiler::isStreamThread, options.profileTop(), out);
        }
        return r;
      } finally {
        cleanUp(admin, prefix, appId, stateDir);
      }
    }
  }

  private static List<String> outputTopics(StreamsSettings s) {
    return List.of(s.topic(Topics.TIMELINE), s.topic(Topics.ALERTS), s.topic(Topics.REVOKE_COMMANDS),
        s.topic(Topics.DEAD_LETTER));
  }

  private static long pid(LocalStack stack, Component c) {
    ComponentStatus st = stack.status(c);
    return st.pid() == null ? -1 : st.pid();
  }

  private void awaitRunning(App app) throws InterruptedException {
    if (!app.awaitRunning(Duration.ofMinutes(2))) {
      throw new IllegalStateException("the streams app did not reach RUNNING in 2 min");
    }
  }

  private void cleanUp(Admin admin, String prefix, String appId, Path stateDir) {
    try {
      Set<String> names = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
          .filter(t -> t.startsWith(prefix)).collect(Collectors.toSet());
      admin.deleteTopics(names).all().get(60, TimeUnit.SECONDS);
      admin.deleteConsumerGroups(List.of(appId)).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.println("  (clean-up incomplete: " + e.getMessage() + ")");
    }
    Files2.deleteRecursively(stateDir);
  }

  /** The streams app under test: {@link StreamsService}, or a KafkaStreams client with property overrides. */
  private App app(StreamsSettings settings, AvroSerdes serdes) {
    if (options.streamsOverrides().isEmpty() && !options.passthrough()) {
      StreamsService service = new StreamsService(settings, serdes);
      return new App() {
        @Override
        public void start() {
          service.start();
        }

        @Override
        public boolean awaitRunning(Duration timeout) throws InterruptedException {
          return service.awaitRunning(timeout);
        }

        @Override
        public KafkaStreams.State state() {
          return service.state();
        }

        @Override
        public void close() {
          service.close();
        }
      };
    }
    Properties props = settings.toProperties();
    props.putAll(options.streamsOverrides());
    Topology topology = options.passthrough() ? passthrough(settings) : GlasswatchTopology.build(settings, serdes);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(e -> {
      e.printStackTrace();
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    return new App() {
      @Override
      public void start() {
        streams.start();
      }

      @Override
      public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          KafkaStreams.State s = streams.state();
          if (s == KafkaStreams.State.RUNNING) {
            return true;
          }
          if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException("streams client ended in " + s);
          }
          Thread.sleep(50);
        }
        return false;
      }

      @Override
      public KafkaStreams.State state() {
        return streams.state();
      }

      @Override
      public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
      }
    };
  }

  /**
   * The floor: a topology that copies every record of the four input topics, as bytes, to the timeline
   * topic. Exactly-once reading, writing and committing, nothing else.
   */
  static Topology passthrough(StreamsSettings settings) {
    StreamsBuilder b = new StreamsBuilder();
    Consumed<byte[], byte[]> bytes = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
    for (String input : StreamsService.INPUT_TOPICS) {
      b.stream(settings.topic(input), bytes)
          .to(settings.topic(Topics.TIMELINE), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    }
    return b.build();
  }

  /** The streams app under test. */
  interface App extends AutoCloseable {
    void start();

    boolean awaitRunning(Duration timeout) throws InterruptedException;

    KafkaStreams.State state();

    @Override
    void close();
  }
}
