package io.glasswatch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.alerts.oncall.Links;
import io.glasswatch.alerts.oncall.HttpPoster;
import io.glasswatch.alerts.oncall.NoticeChannel;
import io.glasswatch.alerts.oncall.OnCallDispatcher;
import io.glasswatch.alerts.oncall.PagerDutyChannel;
import io.glasswatch.alerts.oncall.Routing;
import io.glasswatch.alerts.oncall.ChatWebhook;
import io.glasswatch.alerts.oncall.SlackChannel;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.StreamsService;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.policy.Policy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Alert latency on loopback: alert produced to the {@code alerts} topic → webhook received by a local
 * PagerDuty Events API v2 endpoint, p50/p99/max in milliseconds.
 *
 * <p>Running: the streams application ({@link StreamsService}, exactly-once, the production topology,
 * filing every delivery event into the timeline hash chains), the on-call dispatcher
 * ({@link OnCallDispatcher}, the production path: consumer, routing, per-channel workers, delivery log
 * and delivery events in Kafka) with two channels, PagerDuty and Slack, each posting to its own local
 * HTTP receiver. The harness produces {@code --alerts} alerts (default 1000) at {@code --rate} per
 * second (default 20), half of them on account correlations and half on request correlations,
 * severity critical, with {@code acks=all}; the send time is taken just before
 * {@code KafkaProducer.send}, the receive time when the PagerDuty receiver has read the request body,
 * both from {@link System#nanoTime()} in this JVM; the alert is recognised by its {@code dedup_key}
 * ({@code glasswatch-<alertId>}). The first {@code --warmup} alerts (default 100: five seconds at the
 * default rate, JIT compilation and the clients' first fetches) are left out.
 * Storm control is set out of reach (one rule fires all alerts; digests would be a different
 * measurement). Every topic is new, under a random prefix.
 *
 * <p>Usage: {@code AlertLatencyBenchmark --kafka HOST:PORT --registry URL [--alerts N] [--rate R]
 * [--warmup W] [--work DIR]}. Exit status 0 when every alert arrived and p99 is below 300 ms, 1
 * otherwise, 2 on bad arguments.
 */
public final class AlertLatencyBenchmark {
  /** The target of the p99, milliseconds. */
  public static final double TARGET_P99_MS = 300;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Long> sent = new ConcurrentHashMap<>();
  private final Map<String, Long> received = new ConcurrentHashMap<>();

  private AlertLatencyBenchmark() {}

  /** Entry point (see class Javadoc). */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(Map.of("--alerts", "1000", "--rate", "20", "--warmup", "100",
        "--work", System.getProperty("java.io.tmpdir")));
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    if (!o.containsKey("--kafka") || !o.containsKey("--registry") || args.length % 2 != 0) {
      System.err.println("usage: AlertLatencyBenchmark --kafka HOST:PORT --registry URL [--alerts N] [--rate R]"
          + " [--warmup W] [--work DIR]");
      System.exit(2);
    }
    boolean ok = new AlertLatencyBenchmark().run(o.get("--kafka"), o.get("--registry"),
        Integer.parseInt(o.get("--alerts")), Double.parseDouble(o.get("--rate")), Integer.parseInt(o.get("--warmup")),
        Path.of(o.get("--work")), System.out);
    System.exit(ok ? 0 : 1);
  }

  private boolean run(String bootstrap, String registry, int alerts, double rate, int warmup, Path work,
      PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "Glasswatch alert latency benchmark, %s%n", Instant.now());
    out.printf(Locale.ROOT, "machine: %d cores (%s), Java %s, load average %s%n", Machine.cores(), Machine.cpuModel(),
        Runtime.version(), Machine.loadAverage());
    String prefix = "bench-alerts-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    GlasswatchSettings settings = GlasswatchSettings.builder()
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, bootstrap)
        .set(GlasswatchSettings.REGISTRY_URL, registry)
        .build();
    Path stateDir = Files.createDirectories(work.resolve(prefix + "state"));
    AvroSerdes serdes = AvroSerdes.registry(registry);
    StreamsSettings streams = new StreamsSettings(prefix + "glasswatch", bootstrap, stateDir, Policy.defaults(), 0,
        StreamsSettings.DEFAULT_COMMIT_INTERVAL, StreamsSettings.EXACTLY_ONCE_V2, 1,
        StreamsSettings.DEFAULT_MAX_TASK_IDLE, prefix);
    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(adminProps)) {
      admin.createTopics(Topics.all().stream().map(t -> new NewTopic(streams.topic(t), 3, (short) 1)).toList())
          .all().get(60, TimeUnit.SECONDS);
    }

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService httpThreads = Executors.newFixedThreadPool(4);
    server.createContext("/pagerduty", this::pagerDuty);
    server.createContext("/slack", ex -> reply(ex, 200, "ok"));
    server.setExecutor(httpThreads);
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    HttpPoster.Retry retry = HttpPoster.Retry.defaults();
    List<NoticeChannel> channels = List.of(
        new PagerDutyChannel(new PagerDutyChannel.Options(URI.create(base + "/pagerduty"), "bench-routing-key", retry)),
        new SlackChannel(new ChatWebhook(URI.create(base + "/slack"), retry)));
    List<String> names = List.of(PagerDutyChannel.NAME, SlackChannel.NAME);
    Routing routing = new Routing(List.of(), names, names, null, Duration.ofMinutes(5),
        new Routing.Storm(Integer.MAX_VALUE, Duration.ofMinutes(5), Duration.ofMinutes(5)), Links.NONE);
    OnCallDispatcher.Options options = OnCallDispatcher.Options.defaults()
        .withTopics(streams.topic(Topics.ALERTS), streams.topic(Topics.ALERT_RESOLUTIONS), streams.topic(Topics.REVOKE_RESULTS),
            streams.topic(Topics.ALERT_DELIVERIES), streams.topic(Topics.DEAD_LETTER),
            streams.topic(Topics.ALERT_DELIVERY_EVENTS))
        .withGroupId(prefix + "alerts");
    ExecutorService dispatcherThread = Executors.newSingleThreadExecutor();
    try (StreamsService app = new StreamsService(streams, serdes);
        OnCallDispatcher dispatcher = new OnCallDispatcher(settings, channels, routing, options)) {
      app.start();
      if (!app.awaitRunning(Duration.ofSeconds(120))) {
        throw new IllegalStateException("the streams app did not reach RUNNING within 120 s");
      }
      dispatcherThread.submit(dispatcher);
      out.printf(Locale.ROOT, "running: streams app (exactly-once, prefix %s), on-call dispatcher (PagerDuty + Slack"
          + " to local receivers at %s)%n", prefix, base);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      Instant t0 = Instant.parse("2025-03-01T10:00:00Z");
      long intervalNanos = (long) (1e9 / rate);
      try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(p, new StringSerializer(),
          serdes.value(Alert.class).serializer())) {
        long next = System.nanoTime();
        for (int i = 0; i < alerts; i++) {
          while (System.nanoTime() < next) {
            TimeUnit.MICROSECONDS.sleep(200);
          }
          next += intervalNanos;
          Alert a = alert(prefix, i, t0.plusSeconds(i));
          sent.put(a.getAlertId(), System.nanoTime());
          producer.send(new ProducerRecord<>(streams.topic(Topics.ALERTS), a.getCorrelationId(), a));
        }
        producer.flush();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (received.size() < alerts && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      out.printf(Locale.ROOT, "dispatcher: %s%n", dispatcher.stats());
    } finally {
      dispatcherThread.shutdownNow();
      server.stop(0);
      httpThreads.shutdownNow();
    }

    List<Double> ms = new ArrayList<>();
    for (int i = warmup; i < alerts; i++) {
      String id = prefix + "alert-" + i;
      Long s = sent.get(id);
      Long r = received.get(id);
      if (s != null && r != null) {
        ms.add((r - s) / 1e6);
      }
    }
    double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int missing = alerts - received.size();
    if (sorted.length == 0) {
      out.println("no alert arrived");
      return false;
    }
    int step = Math.max(1, (alerts - warmup) / 6);
    StringBuilder windows = new StringBuilder();
    for (int from = warmup; from < alerts; from += step) {
      double max = 0;
      for (int i = from; i < Math.min(alerts, from + step); i++) {
        Long s = sent.get(prefix + "alert-" + i);
        Long r = received.get(prefix + "alert-" + i);
        if (s != null && r != null) {
          max = Math.max(max, (r - s) / 1e6);
        }
      }
      windows.append(String.format(Locale.ROOT, " %d-%d: %.0f", from, Math.min(alerts, from + step) - 1, max));
    }
    out.printf(Locale.ROOT, "max latency by alert range (ms):%s%n", windows);
    double p50 = percentile(sorted, 50);
    double p99 = percentile(sorted, 99);
    out.printf(Locale.ROOT, "alerts: %d at %.0f/s (first %d left out), received %d, missing %d%n", alerts, rate,
        warmup, received.size(), missing);
    out.printf(Locale.ROOT, "alert produced -> PagerDuty webhook received: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
            + " max %.1f ms (target p99 < %.0f ms: %s)%n", p50, percentile(sorted, 90), p99,
        sorted[sorted.length - 1], TARGET_P99_MS, p99 < TARGET_P99_MS ? "met" : "NOT met");
    return missing == 0 && p99 < TARGET_P99_MS;
  }

  private static Alert alert(String prefix, int i, Instant eventTime) {
    String account = String.format(Locale.ROOT, "1000%08d", i % 50);
    boolean byAccount = i % 2 == 0;
    return Alert.newBuilder()
        .setAlertId(prefix + "alert-" + i)
        .setAlertType("UNAUTHORIZED_ROOT_USE")
        .setSeverity("critical")
        .setCorrelationId(byAccount ? "account:" + account : "req-" + i)
        .setRequestId(byAccount ? null : "req-" + i)
        .setAccountId(account)
        .setSubject("root")
        .setEvidence(List.of("ct-" + i))
        .setDetectedAt(eventTime)
        .setEventTime(eventTime)
        .setSummary("Root user activity in account " + account + " without a covering break-glass grant.")
        .setRunbook("https://runbooks.example.com/break-glass#unauthorized-root-use")
        .setActions(List.of("page"))
        .setRevokedRequestIds(List.of())
        .build();
  }

  private void pagerDuty(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    long now = System.nanoTime();
    JsonNode event = JSON.readTree(body);
    String key = event.path("dedup_key").asText();
    if (key.startsWith("glasswatch-")) {
      received.putIfAbsent(key.substring("glasswatch-".length()), now);
    }
    reply(ex, 202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"" + key + "\"}");
  }

  private static void reply(HttpExchange ex, int status, String text) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
