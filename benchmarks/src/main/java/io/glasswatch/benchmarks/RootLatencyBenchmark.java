package io.glasswatch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.alerts.enforcement.OverlappingGrants;
import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.alerts.enforcement.RevokeSettings;
import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.alerts.enforcement.SsoAdminRevoker;
import io.glasswatch.alerts.oncall.Links;
import io.glasswatch.alerts.oncall.NoticeChannel;
import io.glasswatch.alerts.oncall.OnCallDispatcher;
import io.glasswatch.alerts.oncall.Routing;
import io.glasswatch.alerts.oncall.WebhookChannel;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.common.ProgressReporter;
import io.glasswatch.producers.ingest.common.Readiness;
import io.glasswatch.producers.ingest.http.IngestServer;
import io.glasswatch.producers.ingest.http.RequestSignature;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.KafkaSettings;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.StreamsService;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.policy.Policy;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * Root detection latency, live (SPEC section 2, README "Source progress"): the real ingest endpoint
 * ({@link IngestServer}, signed {@code POST /v1/events}) reporting progress marks as gateway source
 * {@code ingest-http}, the streams app ({@link StreamsService}, exactly-once, wall-clock deadlines, policy
 * {@code gatewaySources: [ingest-http]}), the on-call dispatcher posting every alert to a local signed
 * webhook receiver, and the revoke executor ({@link RevokeService}) against moto, on the benchmark's own
 * Kafka, Apicurio Registry and moto. Every topic is new, under a random prefix, 3 partitions.
 *
 * <p>Sequence: a background thread posts non-root CloudTrail records through the endpoint at
 * {@code --background} events/s (batches every 50 ms) for the whole run; {@code --violations} compliant JIT
 * requests (request, two approvals, a grant whose assignment exists in moto) are posted and settled; then
 * {@code --signins} root console sign-ins (MFA used, no grant, one account each) are posted at
 * {@code --rate} per second, followed by one self-approval per JIT request at the same rate. Measured, all
 * wall clock in this JVM, from the moment the request carrying the record is sent to the endpoint:
 * <ul>
 *   <li>root sign-in → on-call webhook received its {@code UNAUTHORIZED_ROOT_USE} alert;
 *   <li>self-approval → webhook received its {@code SELF_APPROVAL} alert;
 *   <li>self-approval → revoke confirmed ({@code RevokeResult.completedAt}, deletion SUCCEEDED and the
 *       assignment no longer listed in moto).
 * </ul>
 * The first {@code --warmup} sign-ins are left out.
 *
 * <p>Usage: {@code RootLatencyBenchmark [--signins 200] [--rate 4] [--background 1000] [--violations 50]
 * [--warmup 20] [--kafka-port 21392] [--registry-port 21381] [--moto-port 21800] [--work-dir DIR]
 * [--keep-stack]}. Exit status 0 when every alert and revoke arrived and the root p99 is below 2 s.
 */
public final class RootLatencyBenchmark {
  /** Target of the root sign-in → page p99, milliseconds. */
  public static final double TARGET_P99_MS = 2_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-bench000000000001";
  private static final String PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-bench000000000001/ps-bench00000000001";
  private static final String KEY_ID = "bench";
  private static final byte[] SECRET = "root-latency-benchmark-secret-0123456789".getBytes(StandardCharsets.UTF_8);

  private final Map<String, String> o;
  private final PrintStream out;
  /** Send time (nanoTime) of each measured record, by account (sign-ins) or request id (self-approvals). */
  private final Map<String, Long> sent = new ConcurrentHashMap<>();
  /** Receipt time (nanoTime) at the webhook, by the same key. */
  private final Map<String, Long> paged = new ConcurrentHashMap<>();
  private final AtomicLong backgroundSent = new AtomicLong();
  private final HttpClient http = HttpClient.newHttpClient();
  private URI endpoint;

  private RootLatencyBenchmark(Map<String, String> options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  /** Entry point (see class Javadoc). */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(Map.of("--signins", "200", "--rate", "4", "--background", "1000",
        "--violations", "50", "--warmup", "20", "--kafka-port", "21392", "--registry-port", "21381",
        "--moto-port", "21800", "--work-dir", ".glasswatch/bench-root"));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--keep-stack")) {
        o.put("--keep-stack", "true");
      } else if (i + 1 < args.length && o.containsKey(args[i])) {
        o.put(args[i], args[++i]);
      } else {
        System.err.println("unknown or incomplete option " + args[i] + "; see the class Javadoc");
        System.exit(2);
      }
    }
    System.exit(new RootLatencyBenchmark(o, System.out).run() ? 0 : 1);
  }

  private int i(String k) {
    return Integer.parseInt(o.get(k));
  }

  private boolean run() throws Exception {
    Path work = Path.of(o.get("--work-dir")).toAbsolutePath();
    return LatencyStack.run(work, i("--kafka-port"), i("--registry-port"), i("--moto-port"), 29401,
        o.containsKey("--keep-stack"), out, (stack, settings) -> measure(settings, work));
  }

  private boolean measure(GlasswatchSettings settings, Path work) throws Exception {
    out.printf(Locale.ROOT, "Glasswatch root detection latency benchmark, %s%n", Instant.now());
    out.printf(Locale.ROOT, "machine: %d cores (%s), Java %s, load average at start %s%n", Machine.cores(),
        Machine.cpuModel(), Runtime.version(), Machine.loadAverage());
    String bootstrap = settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP);
    String registry = settings.get(GlasswatchSettings.REGISTRY_URL);
    String prefix = "bench-root-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    LatencyStack.createTopics(settings, Topics.all().stream().map(t -> prefix + t).toList());
    Policy policy = Policy.defaults().toBuilder().gatewaySources(List.of("ingest-http")).build();
    StreamsSettings streams = new StreamsSettings(prefix + "glasswatch", bootstrap,
        Files.createDirectories(work.resolve(prefix + "state")), policy, 0, StreamsSettings.DEFAULT_COMMIT_INTERVAL,
        StreamsSettings.EXACTLY_ONCE_V2, 1, StreamsSettings.DEFAULT_MAX_TASK_IDLE, prefix, true);
    AvroSerdes serdes = AvroSerdes.registry(registry);
    List<String[]> jit = createAssignments(settings, i("--violations"));

    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService receiverThreads = Executors.newFixedThreadPool(2);
    receiver.createContext("/alerts", this::webhook);
    receiver.setExecutor(receiverThreads);
    receiver.start();
    String webhookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts";
    List<NoticeChannel> channels = List.of(new WebhookChannel(WebhookChannel.Options.of(URI.create(webhookUrl), "bench",
        "bench-webhook-secret-0123456789abcdef")));
    List<String> names = List.of(channels.get(0).name());
    Routing routing = new Routing(List.of(), names, names, null, Duration.ofMinutes(5),
        new Routing.Storm(Integer.MAX_VALUE, Duration.ofMinutes(5), Duration.ofMinutes(5)), Links.NONE);
    OnCallDispatcher.Options dispatch = OnCallDispatcher.Options.defaults()
        .withTopics(prefix + Topics.ALERTS, prefix + Topics.ALERT_RESOLUTIONS, prefix + Topics.REVOKE_RESULTS,
            prefix + Topics.ALERT_DELIVERIES, prefix + Topics.DEAD_LETTER, prefix + Topics.ALERT_DELIVERY_EVENTS)
        .withGroupId(prefix + "alerts");
    RevokeSettings revokeSettings = RevokeSettings.from(settings);
    RevokeService.Options revokeOptions = LatencyStack.revokeOptions(prefix).withParallelism(revokeSettings.parallelism());
    ExecutorService services = Executors.newFixedThreadPool(2);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    Thread background = null;
    try (EventProducer producer = new EventProducer(KafkaSettings.from(settings).withProducerDefault("linger.ms", "2"),
            serdes, t -> prefix + t, new Normalizer());
        IngestServer server = IngestServer.start(new IngestServer.Options(new InetSocketAddress("127.0.0.1", 0),
            Map.of(KEY_ID, SECRET), 4 << 20, 100_000, Duration.ofSeconds(30), Duration.ofMinutes(5), Map.of()),
            producer, new IngestMetrics(), new Readiness(), Clock.systemUTC());
        StreamsService app = new StreamsService(streams, serdes);
        OnCallDispatcher dispatcher = new OnCallDispatcher(settings, channels, routing, dispatch);
        SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(settings);
        RevokeService revokes = new RevokeService(settings, revoker, revokeOptions, OverlappingGrants.FROM_COMMAND,
            revokeSettings.policy())) {
      ProgressReporter progress = new ProgressReporter("ingest-http", ProgressReporter.Mode.PUSH,
          producer::sendProgressMarks, System::currentTimeMillis);
      server.reportProgress(progress, null);
      ticker.scheduleWithFixedDelay(progress::tick, 0, ProgressReporter.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      endpoint = URI.create("http://127.0.0.1:" + server.port() + IngestServer.EVENTS_PATH);
      app.start();
      if (!app.awaitRunning(Duration.ofSeconds(180))) {
        throw new IllegalStateException("the streams app did not reach RUNNING within 180 s");
      }
      services.submit(dispatcher);
      services.submit(revokes);
      background = Thread.ofPlatform().name("bench-background").daemon().start(() -> background(stop));
      out.printf(Locale.ROOT, "running: ingest endpoint %s (progress marks as ingest-http every %d ms), streams app"
          + " (exactly-once, gatewaySources [ingest-http]), on-call dispatcher -> %s, revoke executor -> moto;"
          + " background CloudTrail %s events/s%n", endpoint, ProgressReporter.INTERVAL.toMillis(), webhookUrl,
          o.get("--background"));
      for (String[] r : jit) {
        post(jitRequest(r));
      }
      TimeUnit.SECONDS.sleep(10); // the grants reach stage B; the clients warm up
      long t0 = System.nanoTime();
      pace(i("--signins"), k -> {
        String account = String.format(Locale.ROOT, "%012d", 500000000000L + k);
        sent.put(account, System.nanoTime());
        post(rootSignIn(account));
      });
      for (String[] r : jit) {
        sent.put(r[0], System.nanoTime());
        post(selfApproval(r));
      }
      double feedSeconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Long> confirmed = awaitRevokes(settings, prefix, jit.size(), Duration.ofMinutes(3));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (paged.size() < i("--signins") + jit.size() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
      stop.set(true);
      out.printf(Locale.ROOT, "fed in %.1f s; background sent %d CloudTrail events (%.0f/s); load average at end %s%n",
          feedSeconds, backgroundSent.get(), backgroundSent.get() / Math.max(1, feedSeconds + 10),
          Machine.loadAverage());
      return report(jit, confirmed);
    } finally {
      stop.set(true);
      if (background != null) {
        background.join(5_000);
      }
      ticker.shutdownNow();
      services.shutdownNow();
      receiver.stop(0);
      receiverThreads.shutdownNow();
    }
  }

  private boolean report(List<String[]> jit, Map<String, Long> confirmed) {
    int n = i("--signins");
    List<Double> root = new ArrayList<>();
    for (int k = i("--warmup"); k < n; k++) {
      String account = String.format(Locale.ROOT, "%012d", 500000000000L + k);
      if (paged.containsKey(account)) {
        root.add((paged.get(account) - sent.get(account)) / 1e6);
      }
    }
    List<Double> selfPage = new ArrayList<>();
    List<Double> selfRevoke = new ArrayList<>();
    for (String[] r : jit) {
      if (paged.containsKey(r[0])) {
        selfPage.add((paged.get(r[0]) - sent.get(r[0])) / 1e6);
      }
      if (confirmed.containsKey(r[0])) {
        selfRevoke.add((double) (confirmed.get(r[0]) - sentWallMillis(r[0])));
      }
    }
    double p99 = line("root sign-in -> on-call webhook (UNAUTHORIZED_ROOT_USE)", root, n - i("--warmup"));
    line("self-approval -> on-call webhook (SELF_APPROVAL)", selfPage, jit.size());
    line("self-approval -> revoke confirmed against moto", selfRevoke, jit.size());
    out.printf(Locale.ROOT, "target root p99 < %.0f ms: %s%n", TARGET_P99_MS, p99 < TARGET_P99_MS ? "met" : "NOT met");
    return p99 < TARGET_P99_MS && root.size() == n - i("--warmup") && selfRevoke.size() == jit.size();
  }

  private double line(String what, List<Double> ms, int expected) {
    if (ms.isEmpty()) {
      out.printf(Locale.ROOT, "%s: nothing arrived (expected %d)%n", what, expected);
      return Double.MAX_VALUE;
    }
    double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double p99 = AlertLatencyBenchmark.percentile(sorted, 99);
    out.printf(Locale.ROOT, "%s: n %d of %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", what, sorted.length, expected,
        AlertLatencyBenchmark.percentile(sorted, 50), p99, sorted[sorted.length - 1]);
    return p99;
  }

  /** Wall-clock epoch ms of a send recorded in nanoTime. */
  private long sentWallMillis(String key) {
    return System.currentTimeMillis() - (System.nanoTime() - sent.get(key)) / 1_000_000;
  }

  /** Runs {@code body} {@code n} times at {@code --rate} per second. */
  private void pace(int n, java.util.function.IntConsumer body) throws InterruptedException {
    long interval = (long) (1e9 / Double.parseDouble(o.get("--rate")));
    long next = System.nanoTime();
    for (int k = 0; k < n; k++) {
      while (System.nanoTime() < next) {
        TimeUnit.MICROSECONDS.sleep(200);
      }
      next += interval;
      body.accept(k);
    }
  }

  private void background(AtomicBoolean stop) {
    int perBatch = Math.max(1, i("--background") / 20);
    long next = System.nanoTime();
    long seq = 0;
    while (!stop.get()) {
      StringBuilder b = new StringBuilder("{\"Records\":[");
      String now = Instant.now().toString();
      for (int k = 0; k < perBatch; k++) {
        String account = String.format(Locale.ROOT, "%012d", 600000000000L + (seq % 12));
        b.append(k == 0 ? "" : ",").append("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",")
            .append("\"principalId\":\"AIDABENCH\",\"arn\":\"arn:aws:iam::").append(account).append(":user/app\",")
            .append("\"accountId\":\"").append(account).append("\",\"userName\":\"app\"},\"eventTime\":\"").append(now)
            .append("\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"DescribeInstances\",\"awsRegion\":")
            .append("\"us-east-1\",\"sourceIPAddress\":\"203.0.113.9\",\"userAgent\":\"bench\",\"eventID\":\"")
            .append(UUID.randomUUID()).append("\",\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"")
            .append(account).append("\"}");
        seq++;
      }
      try {
        post(b.append("]}").toString());
        backgroundSent.addAndGet(perBatch);
        next += 50_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        } else {
          next = System.nanoTime();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        out.println("background post failed: " + e.getMessage());
      }
    }
  }

  private void post(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    RequestSignature.headers(KEY_ID, SECRET, "POST", IngestServer.EVENTS_PATH, Instant.now().getEpochSecond(), bytes)
        .forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("ingest endpoint answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("ingest endpoint: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String rootSignIn(String account) {
    return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"" + account
        + "\",\"arn\":\"arn:aws:iam::" + account + ":root\",\"accountId\":\"" + account + "\"},\"eventTime\":\""
        + Instant.now() + "\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"awsRegion\":"
        + "\"us-east-1\",\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"Mozilla/5.0\",\"requestParameters\":null,"
        + "\"responseElements\":{\"ConsoleLogin\":\"Success\"},\"additionalEventData\":{\"MFAUsed\":\"Yes\"},"
        + "\"eventID\":\"" + UUID.randomUUID() + "\",\"eventType\":\"AwsConsoleSignIn\",\"recipientAccountId\":\""
        + account + "\"}";
  }

  /** Request, two approvals and a grant naming the assignment {@code r} = {request id, account, principal}. */
  private static String jitRequest(String[] r) {
    Instant t = Instant.now();
    String assignment = "{\"instanceArn\":\"" + INSTANCE + "\",\"accountId\":\"" + r[1] + "\",\"permissionSetArn\":\""
        + PERMISSION_SET + "\",\"principalType\":\"USER\",\"principalId\":\"" + r[2] + "\"}";
    return "[{\"type\":\"request\",\"requestId\":\"" + r[0] + "\",\"subject\":\"alice-" + r[0] + "\",\"justification\":"
        + "\"incident\",\"ticketId\":\"INC-1\",\"accountId\":\"" + r[1] + "\",\"timestamp\":\"" + t.minusSeconds(3) + "\"},"
        + "{\"type\":\"approval\",\"requestId\":\"" + r[0] + "\",\"approver\":\"bob\",\"approverAcr\":\"loa2\","
        + "\"approverRole\":\"incident_command\",\"timestamp\":\"" + t.minusSeconds(2) + "\"},"
        + "{\"type\":\"approval\",\"requestId\":\"" + r[0] + "\",\"approver\":\"carol\",\"approverAcr\":\"loa2\","
        + "\"approverRole\":\"security\",\"timestamp\":\"" + t.minusSeconds(1) + "\"},"
        + "{\"type\":\"grant\",\"requestId\":\"" + r[0] + "\",\"tokenId\":\"tok-" + r[0] + "\",\"expiresAt\":\""
        + t.plus(Duration.ofMinutes(30)) + "\",\"timestamp\":\"" + t + "\",\"assignment\":" + assignment + "}]";
  }

  private static String selfApproval(String[] r) {
    return "{\"type\":\"approval\",\"requestId\":\"" + r[0] + "\",\"approver\":\"alice-" + r[0] + "\",\"approverAcr\":"
        + "\"loa2\",\"approverRole\":\"security\",\"timestamp\":\"" + Instant.now() + "\"}";
  }

  /** One assignment per JIT request in moto: {request id, account, principal}. */
  private static List<String[]> createAssignments(GlasswatchSettings settings, int n) {
    List<String[]> out = new ArrayList<>();
    String run = UUID.randomUUID().toString().substring(0, 6);
    try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
      for (int k = 0; k < n; k++) {
        String[] r = {"req-" + run + "-" + k, String.format(Locale.ROOT, "%012d", 700000000000L + k % 10),
            "bench-" + run + "-" + k};
        sso.createAccountAssignment(b -> b.instanceArn(INSTANCE).targetId(r[1]).targetType(TargetType.AWS_ACCOUNT)
            .permissionSetArn(PERMISSION_SET).principalType(PrincipalType.USER).principalId(r[2]));
        out.add(r);
      }
    }
    return out;
  }

  /** The webhook receiver: the first alert per account (root) or request (self-approval) counts. */
  private void webhook(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    long now = System.nanoTime();
    try {
      JsonNode a = JSON.readTree(body);
      String type = a.path("alertType").asText();
      if ("UNAUTHORIZED_ROOT_USE".equals(type)) {
        paged.putIfAbsent(a.path("accountId").asText(), now);
      } else if ("SELF_APPROVAL".equals(type)) {
        paged.putIfAbsent(a.path("requestId").asText(), now);
      }
    } catch (IOException e) {
      // not an alert (a resolution or a notice): not measured
    }
    ex.sendResponseHeaders(200, -1);
    ex.close();
  }

  /** The CONFIRMED final results of the self-approvals' revokes: request id to completedAt (epoch ms). */
  private Map<String, Long> awaitRevokes(GlasswatchSettings settings, String prefix, int n, Duration timeout) {
    Map<String, Long> out = new java.util.HashMap<>();
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put("isolation.level", "read_committed");
    var deserializer = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(RevokeResult.class)
        .deserializer();
    String topic = prefix + Topics.REVOKE_RESULTS;
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        for (var rec : c.poll(Duration.ofMillis(200))) {
          RevokeResult r = deserializer.deserialize(topic, rec.value());
          if (r.getStep() == null && "CONFIRMED".equals(r.getOutcome()) && r.getRequestId() != null) {
            out.putIfAbsent(r.getRequestId(), r.getCompletedAt().toEpochMilli());
          }
        }
      }
    }
    return out;
  }
}
