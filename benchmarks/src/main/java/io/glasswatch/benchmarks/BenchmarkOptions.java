package io.glasswatch.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness's command line, parsed and validated.
 *
 * @param workload the workload generator's options
 * @param openRequests open requests preloaded into state before measuring
 * @param stateSteps open-request counts at which the stores are measured (part 3)
 * @param warmup driver records piped (untimed) before the measured ones
 * @param ttdEvents driver records measured (part 1)
 * @param brokerEvents records measured on the broker (part 2)
 * @param ttd whether to run parts 1 and 3
 * @param broker whether to run part 2
 * @param profileDir where to write JFR recordings of the measured phases (null: no profiling)
 * @param profileTop rows per list in the profile summaries
 * @param workDir scratch directory (state directories, stack)
 * @param kafkaPort port of the benchmark's own Kafka (controller on port + 1)
 * @param registryPort port of the benchmark's own Apicurio Registry (management on port + 1)
 * @param commitInterval {@code commit.interval.ms} of the broker run
 * @param streamsOverrides extra Kafka Streams properties of the broker run (then the run uses its own
 *     KafkaStreams client with the same topology instead of StreamsService)
 * @param keepStack leave the servers running at the end
 * @param threads stream threads of the broker run ({@code streams.num-stream-threads})
 * @param passthrough broker run of a pass-through topology instead of Glasswatch's (the floor: what
 *     exactly-once reading and writing alone cost on this machine)
 */
record BenchmarkOptions(Workload.Options workload, int openRequests, List<Long> stateSteps, long warmup,
    long ttdEvents, long brokerEvents, boolean ttd, boolean broker, Path profileDir, int profileTop, Path workDir,
    int kafkaPort, int registryPort, Duration commitInterval, Map<String, String> streamsOverrides,
    boolean keepStack, int threads, boolean passthrough) {

  static final String USAGE = """
      usage: TopologyBenchmark [options]
             TopologyBenchmark --summarize FILE.jfr...   (summarise recordings again: ttd-* by the driving thread, others by
                                                          the stream threads)
        --events N            measured records of both runs (sets --ttd-events and --broker-events)
        --ttd-events N        records measured through the TopologyTestDriver (default 200000)
        --warmup N            driver records before the measured ones (default 50000)
        --broker-events N     records measured on the broker (default 1000000)
        --open-requests N     open requests preloaded into state (default 100000)
        --state-steps A,B,..  open-request counts where the stores are measured (default 10000,50000,100000)
        --accounts N          AWS accounts (default 1000)
        --rate R              background CloudTrail records per second of event time (default 5000)
        --share S             break-glass share of all records (default 0.01)
        --seed N              workload seed (default 42)
        --broker              also run part 2 on the real broker (own Kafka and Apicurio, exactly-once)
        --no-ttd              skip parts 1 and 3
        --profile DIR         JFR recordings of the measured phases in DIR, summarised by top frames
        --profile-top N       rows per profile list (default 20)
        --work-dir DIR        scratch directory (default .glasswatch/bench)
        --kafka-port P        the benchmark's Kafka port (default 29192, or -Dglasswatch.test.kafka.port)
        --registry-port P     the benchmark's registry port (default 28181, or -Dglasswatch.test.registry.port)
        --commit-interval MS  commit.interval.ms of the broker run (default 50, the production default)
        --streams-config K=V  extra Kafka Streams property of the broker run (repeatable; runs a KafkaStreams
                              client of the same topology instead of StreamsService)
        --keep-stack          leave Kafka and the registry running at the end
        --threads N           stream threads of the broker run (default 1)
        --passthrough         broker run of a topology that copies every input record to the timeline topic
                              (bytes, exactly-once, same settings): the floor set by Kafka on this machine
      """;

  /**
   * Parses {@code args}.
   *
   * @throws IllegalArgumentException naming the bad argument (message includes the usage)
   */
  static BenchmarkOptions parse(String... args) {
    Workload.Options w = Workload.Options.defaults();
    long seed = w.seed();
    int accounts = w.accounts();
    double rate = w.backgroundRate();
    double share = w.breakGlassShare();
    int open = 100_000;
    List<Long> steps = new ArrayList<>(List.of(10_000L, 50_000L, 100_000L));
    long warmup = 50_000;
    long ttdEvents = 200_000;
    long brokerEvents = 1_000_000;
    boolean ttd = true;
    boolean broker = false;
    Path profile = null;
    int top = 20;
    Path work = Path.of(".glasswatch", "bench");
    int kafkaPort = Integer.getInteger("glasswatch.test.kafka.port", 29192);
    int registryPort = Integer.getInteger("glasswatch.test.registry.port", 28181);
    Duration commit = io.glasswatch.streams.StreamsSettings.DEFAULT_COMMIT_INTERVAL;
    Map<String, String> overrides = new LinkedHashMap<>();
    boolean keep = false;
    boolean passthrough = false;
    int threads = 1;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--events" -> {
            ttdEvents = Long.parseLong(args[++i]);
            brokerEvents = ttdEvents;
          }
          case "--ttd-events" -> ttdEvents = Long.parseLong(args[++i]);
          case "--warmup" -> warmup = Long.parseLong(args[++i]);
          case "--broker-events" -> brokerEvents = Long.parseLong(args[++i]);
          case "--open-requests" -> open = Integer.parseInt(args[++i]);
          case "--state-steps" -> steps = new ArrayList<>(Arrays.stream(args[++i].split(",")).map(String::trim)
              .map(Long::parseLong).toList());
          case "--accounts" -> accounts = Integer.parseInt(args[++i]);
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--share" -> share = Double.parseDouble(args[++i]);
          case "--seed" -> seed = Long.parseLong(args[++i]);
          case "--broker" -> broker = true;
          case "--no-ttd" -> ttd = false;
          case "--profile" -> profile = Path.of(args[++i]);
          case "--profile-top" -> top = Integer.parseInt(args[++i]);
          case "--work-dir" -> work = Path.of(args[++i]);
          case "--kafka-port" -> kafkaPort = Integer.parseInt(args[++i]);
          case "--registry-port" -> registryPort = Integer.parseInt(args[++i]);
          case "--commit-interval" -> commit = Duration.ofMillis(Long.parseLong(args[++i]));
          case "--streams-config" -> {
            String kv = args[++i];
            int eq = kv.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException("--streams-config expects KEY=VALUE, got " + kv);
            }
            overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
          case "--keep-stack" -> keep = true;
          case "--passthrough" -> passthrough = true;
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          case "--help", "-h" -> throw new IllegalArgumentException("");
          default -> throw new IllegalArgumentException("unknown argument " + a);
        }
      }
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      throw new IllegalArgumentException("bad arguments " + Arrays.toString(args) + ": " + e.getMessage() + "\n" + USAGE, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((e.getMessage().isEmpty() ? "" : e.getMessage() + "\n") + USAGE, e);
    }
    if (open < 0 || warmup < 0 || ttdEvents <= 0 || brokerEvents <= 0 || top <= 0 || threads <= 0) {
      throw new IllegalArgumentException("counts must be positive (open requests and warm-up may be 0)\n" + USAGE);
    }
    Workload.Options wo = new Workload.Options(seed, w.start(), accounts, rate, share, w.rootShare(), w.violationShare());
    return new BenchmarkOptions(wo, open, List.copyOf(steps), warmup, ttdEvents, brokerEvents, ttd, broker, profile, top,
        work.toAbsolutePath(), kafkaPort, registryPort, commit, Map.copyOf(overrides), keep, threads, passthrough);
  }
}
