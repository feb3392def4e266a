package io.glasswatch.producers.ingest;

import io.glasswatch.producers.ingest.common.ProgressReporter;
import io.glasswatch.producers.ingest.common.Readiness;

import io.glasswatch.producers.ingest.common.IngestSettings;

import io.glasswatch.producers.ingest.common.IngestMetrics;

import io.glasswatch.producers.ingest.common.CheckpointStore;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.aws.CloudTrailPoller;
import io.glasswatch.producers.ingest.aws.GuardDutyPoller;
import io.glasswatch.producers.ingest.aws.RateLimiter;
import io.glasswatch.producers.ingest.files.CloudTrailLogWatcher;
import io.glasswatch.producers.ingest.files.JsonLinesTailer;
import io.glasswatch.producers.ingest.http.IngestServer;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.guardduty.GuardDutyClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The live ingest service: every component {@link IngestSettings} turns on, started from one
 * configuration and stopped together.
 *
 * <ul>
 *   <li>the HTTP endpoint ({@link IngestServer}) when {@code ingest.http.listen} is set;
 *   <li>one {@link CloudTrailPoller} per account ({@code ingest.aws.role-arns}, or the default
 *       credentials' account) and region of {@code ingest.cloudtrail.regions}, each with its own
 *       {@link RateLimiter}, every {@code ingest.cloudtrail.poll-interval};
 *   <li>one {@link GuardDutyPoller} per account and region of {@code ingest.guardduty.regions};
 *   <li>a {@link CloudTrailLogWatcher} of {@code ingest.cloudtrail.log-dirs};
 *   <li>a {@link JsonLinesTailer} per file of {@code ingest.tail.files}.
 * </ul>
 *
 * <p>Progress marks (README, "Source progress"): the gateway-side sources report how far they have
 * delivered through a {@link ProgressReporter} each, ticked every {@link ProgressReporter#INTERVAL} on one
 * thread: {@value #SOURCE_HTTP} (push: each request a delivery), {@value #SOURCE_JIT_WEBHOOK} (push),
 * {@value #SOURCE_TAIL_PREFIX}{@code <path>} per tailed file (pull: a poll reads to the end of the file) and
 * {@value #SOURCE_JIT_STREAM} (pull: a poll that caught up with every shard). The policy's
 * {@code gatewaySources} names those stage B waits for.
 *
 * Each poller, watcher and tailer runs on its own thread; a failed poll (AWS error after retries,
 * Kafka not acknowledging) is logged and retried at the next interval with its checkpoint unchanged.
 * One idempotent {@code acks=all} {@link EventProducer} ({@code linger.ms=2} unless
 * {@code kafka.producer.linger.ms} says otherwise) and one {@link CheckpointStore} serve all.
 * {@code /readyz} reports Kafka unreachable (checked every 10 s) and any component whose last run
 * failed. AWS clients are built with the SDK's retries off (the pollers retry through their
 * limiter), credentials from the default provider chain or by assuming the configured roles
 * (session name {@code glasswatch-ingest}); AWS credentials are never logged.
 */
public final class IngestService implements AutoCloseable {
  /** Gateway source id of {@code POST /events} and {@code /eventbridge}. */
  public static final String SOURCE_HTTP = "ingest-http";
  /** Gateway source id of {@code POST /jit/webhook}. */
  public static final String SOURCE_JIT_WEBHOOK = "jit-webhook";
  /** Gateway source id prefix of a tailed file: {@code tail:<path as configured>}. */
  public static final String SOURCE_TAIL_PREFIX = "tail:";
  /** Gateway source id of the JIT controller's jit_audit stream reader. */
  public static final String SOURCE_JIT_STREAM = "jit-stream";
  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
  private static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
  private static final int MAX_ATTEMPTS = 8;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final IngestMetrics metrics = new IngestMetrics();
  private final Readiness readiness = new Readiness();
  private IngestServer server;
  private java.util.concurrent.ScheduledExecutorService progressTicker;
  private volatile boolean stopping;

  private IngestService() {}

  /**
   * Starts every configured component.
   *
   * @param settings Kafka, registry and the {@code ingest.*} keys
   * @param log receives one line per started component
   * @throws io.glasswatch.config.ConfigException when an {@code ingest.*} key is invalid
   * @throws IllegalStateException when nothing is configured, or Kafka is unreachable
   * @throws UncheckedIOException when the endpoint's address cannot be bound
   */
  public static IngestService start(GlasswatchSettings settings, java.util.function.Consumer<String> log) {
    IngestSettings s = IngestSettings.from(settings);
    KafkaSettings kafka = KafkaSettings.from(settings);
    io.glasswatch.producers.ingest.jit.JitStreamSettings jit =
        io.glasswatch.producers.ingest.jit.JitStreamSettings.from(settings, System.getenv());
    if (!s.anyEnabled() && !jit.enabled()) {
      throw new IllegalStateException("no ingest component configured: set " + IngestSettings.HTTP_LISTEN + ", "
          + IngestSettings.CT_REGIONS + ", " + IngestSettings.GD_REGIONS + ", " + IngestSettings.CT_LOG_DIRS
          + ", " + IngestSettings.TAIL_FILES + " or " + io.glasswatch.producers.ingest.jit.JitStreamSettings.STREAM_ARN);
    }
    IngestService svc = new IngestService();
    try {
      svc.startAll(settings, kafka, s, log);
    } catch (RuntimeException e) {
      svc.close();
      throw e;
    }
    return svc;
  }

  private void startAll(GlasswatchSettings settings, KafkaSettings kafka, IngestSettings s,
      java.util.function.Consumer<String> log) {
    Clock clock = Clock.systemUTC();
    log.accept("ingest settings: " + s);
    CheckpointStore checkpoints = CheckpointStore.open(kafka, s.checkpointTopic());
    resources.add(checkpoints);
    // a request waits for its acknowledgements: a short linger keeps that wait short (override with
    // kafka.producer.linger.ms)
    EventProducer producer = new EventProducer(kafka.withProducerDefault("linger.ms", "2"));
    resources.add(producer);
    watchKafka(kafka);
    if (s.httpListen() != null) {
      try {
        server = IngestServer.start(IngestServer.Options.of(s), producer, metrics, readiness, clock,
            io.glasswatch.producers.normalize.sources.SourceSettings.from(settings, System.getenv()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + s.httpListen() + ": " + e.getMessage(), e);
      }
      resources.add(server);
      server.reportProgress(reporter(SOURCE_HTTP, ProgressReporter.Mode.PUSH, producer),
          reporter(SOURCE_JIT_WEBHOOK, ProgressReporter.Mode.PUSH, producer));
      log.accept("ingest endpoint: POST http://" + s.httpListen().getHostString() + ":" + server.port()
          + IngestServer.EVENTS_PATH + " (also /healthz, /readyz, /metrics)");
    }
    List<String> roles = s.roleArns().isEmpty() ? java.util.Collections.singletonList(null) : s.roleArns();
    for (String role : roles) {
      String account = role == null ? "default" : role.split(":")[4];
      for (String region : s.cloudTrailRegions()) {
        CloudTrailClient client = CloudTrailClient.builder().region(Region.of(region))
            .credentialsProvider(credentials(role, region))
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .applyMutation(b -> {
              if (s.cloudTrailEndpoint() != null) {
                b.endpointOverride(s.cloudTrailEndpoint());
              }
            }).build();
        resources.add(client);
        CloudTrailPoller p = new CloudTrailPoller(client, new CloudTrailPoller.Options(account, region,
            s.lookupAttributes(), s.cloudTrailOverlap(), s.cloudTrailInitialLookback(), BACKOFF_BASE, MAX_ATTEMPTS),
            new RateLimiter(s.cloudTrailRequestsPerSecond()), checkpoints, producer, metrics, clock);
        loop(p.checkpointKey(), s.cloudTrailPollInterval(), p::pollOnce);
        log.accept("CloudTrail poller " + p.checkpointKey() + " every " + s.cloudTrailPollInterval());
      }
      for (String region : s.guardDutyRegions()) {
        GuardDutyClient client = GuardDutyClient.builder().region(Region.of(region))
            .credentialsProvider(credentials(role, region))
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .applyMutation(b -> {
              if (s.guardDutyEndpoint() != null) {
                b.endpointOverride(s.guardDutyEndpoint());
              }
            }).build();
        resources.add(client);
        GuardDutyPoller p = new GuardDutyPoller(client, new GuardDutyPoller.Options(account, region,
            s.findingTypes(), s.guardDutyOverlap(), s.guardDutyInitialLookback(), BACKOFF_BASE, MAX_ATTEMPTS),
            new RateLimiter(5), checkpoints, producer, metrics, clock);
        loop(p.checkpointKey(), s.guardDutyPollInterval(), p::pollOnce);
        log.accept("GuardDuty poller " + p.checkpointKey() + " every " + s.guardDutyPollInterval());
      }
    }
    if (!s.cloudTrailLogDirs().isEmpty()) {
      CloudTrailLogWatcher w = new CloudTrailLogWatcher(s.cloudTrailLogDirs(), checkpoints, producer, metrics, clock);
      loop("cloudtrail-log", s.logScanInterval(), w::scanOnce);
      log.accept("CloudTrail log directories " + s.cloudTrailLogDirs() + " scanned every " + s.logScanInterval());
    }
    // one normalizer for every tailed file and the JIT stream: the JIT controller's records complete each other
    var tailNormalizer = new io.glasswatch.producers.normalize.Normalizer(
        io.glasswatch.producers.normalize.sources.SourceSettings.from(settings, System.getenv()));
    for (Path f : s.tailFiles()) {
      JsonLinesTailer t = new JsonLinesTailer(f, checkpoints, producer, metrics, clock, tailNormalizer);
      resources.add(t);
      ProgressReporter tailProgress = reporter(SOURCE_TAIL_PREFIX + f, ProgressReporter.Mode.PULL, producer);
      loop(t.checkpointKey(), s.tailPollInterval(), () -> {
        long ticket = tailProgress.begin();
        boolean complete = false;
        try {
          Object r = t.pollOnce(); // reads to the file's end, waiting for every acknowledgement
          complete = true;
          return r;
        } finally {
          tailProgress.end(ticket, complete);
        }
      });
      log.accept("tailing " + f + " every " + s.tailPollInterval());
    }
    startJitStream(settings, tailNormalizer.nativeFormats(), checkpoints, producer, log);
  }

  /** The JIT controller's jit_audit stream reader, when {@code sources.jit-controller.stream-arn} is set. */
  private void startJitStream(GlasswatchSettings settings, io.glasswatch.producers.normalize.NativeFormats formats,
      CheckpointStore checkpoints, EventProducer producer, java.util.function.Consumer<String> log) {
    var jit = io.glasswatch.producers.ingest.jit.JitStreamSettings.from(settings, System.getenv());
    if (!jit.enabled()) {
      return;
    }
    Region region = Region.of(jit.region());
    var streams = software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder().region(region)
        .credentialsProvider(credentials(null, jit.region()))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .applyMutation(b -> {
          if (jit.endpoint() != null) {
            b.endpointOverride(jit.endpoint());
          }
        }).build();
    resources.add(streams);
    var dynamo = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().region(region)
        .credentialsProvider(credentials(null, jit.region()))
        .applyMutation(b -> {
          if (jit.endpoint() != null) {
            b.endpointOverride(jit.endpoint());
          }
        }).build();
    resources.add(dynamo);
    var reader = new io.glasswatch.producers.ingest.jit.JitAuditStreamReader(streams, dynamo,
        new io.glasswatch.producers.ingest.jit.JitAuditStreamReader.Options(jit.streamArn(), jit.requestsTable(), 100,
            1000, BACKOFF_BASE, MAX_ATTEMPTS),
        formats, new RateLimiter(5), checkpoints, producer, metrics);
    ProgressReporter streamProgress = reporter(SOURCE_JIT_STREAM, ProgressReporter.Mode.PULL, producer);
    loop(reader.checkpointKey(), jit.pollInterval(), () -> {
      long ticket = streamProgress.begin();
      boolean complete = false;
      try {
        Object r = reader.pollOnce();
        complete = reader.caughtUp();
        return r;
      } finally {
        streamProgress.end(ticket, complete);
      }
    });
    log.accept("JIT controller stream " + jit.streamArn() + " every " + jit.pollInterval());
  }

  /**
   * A progress reporter of gateway-side source {@code id} sending through {@code producer}, ticked every
   * {@link ProgressReporter#INTERVAL} by the service's one progress thread.
   */
  private ProgressReporter reporter(String id, ProgressReporter.Mode mode, EventProducer producer) {
    ProgressReporter r = new ProgressReporter(id, mode, producer::sendProgressMarks, System::currentTimeMillis);
    if (progressTicker == null) {
      progressTicker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("ingest-progress").daemon(true).factory());
      resources.add(progressTicker::shutdownNow);
    }
    progressTicker.scheduleWithFixedDelay(r::tick, 0, ProgressReporter.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return r;
  }

  private AwsCredentialsProvider credentials(String role, String region) {
    if (role == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    StsClient sts = StsClient.builder().region(Region.of(region)).build();
    resources.add(sts);
    StsAssumeRoleCredentialsProvider p = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
        .refreshRequest(r -> r.roleArn(role).roleSessionName("glasswatch-ingest")).build();
    resources.add(p);
    return p;
  }

  /** One unit of work of a component. */
  @FunctionalInterface
  private interface Work {
    Object run() throws Exception;
  }

  private void loop(String name, Duration interval, Work work) {
    AtomicReference<String> problem = new AtomicReference<>();
    readiness.register(name, problem::get);
    Thread t = Thread.ofPlatform().name("ingest-" + name).daemon(true).start(() -> {
      while (!stopping) {
        try {
          work.run();
          problem.set(null);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          problem.set("last run failed: " + e.getMessage());
          LOG.warn("{}: {}; retrying in {}", name, e.getMessage(), interval);
        }
        try {
          TimeUnit.MILLISECONDS.sleep(interval.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    threads.add(t);
  }

  private void watchKafka(KafkaSettings kafka) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    Admin admin = Admin.create(p);
    resources.add(admin);
    AtomicReference<String> problem = new AtomicReference<>();
    readiness.register("kafka", problem::get);
    loop("kafka-check", Duration.ofSeconds(10), () -> {
      try {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        problem.set(null);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        problem.set("not reachable at " + kafka.bootstrapServers());
      }
      return null;
    });
  }

  /** The bound port of the HTTP endpoint, or -1 when it is off. */
  public int httpPort() {
    return server == null ? -1 : server.port();
  }

  /** The metrics. */
  public IngestMetrics metrics() {
    return metrics;
  }

  /** The readiness checks. */
  public Readiness readiness() {
    return readiness;
  }

  /** Stops every component (pollers at their next wait), the endpoint, then the producer. */
  @Override
  public void close() {
    stopping = true;
    threads.forEach(Thread::interrupt);
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    resources.clear();
  }

}
