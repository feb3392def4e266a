package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.ComponentStatus.State;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real stack end to end: Kafka 4.3.1, Apicurio Registry 3.3.3, Elasticsearch 8.19.21 and moto on
 * their own test ports (3xxxx) in a fresh stack directory: up, reachability, Elasticsearch
 * privileges of the sink user, reuse on a second up, status, down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int KAFKA_PORT = itPort("kafka", 29092);
  private static final int MOTO_PORT = itPort("moto", 25000);

  private Path dir;
  private LocalStack stack;
  private GlasswatchSettings settings;
  private final List<String> progress = new ArrayList<>();
  private Duration firstUp;

  /**
   * This test's own stack listens 5 above the build's test stack port ({@code glasswatch.test.<name>.port},
   * default {@code fallback}), so it runs beside that stack and beside another build's with other ports.
   */
  private static int itPort(String name, int fallback) {
    return Integer.parseInt(System.getProperty("glasswatch.test." + name + ".port", Integer.toString(fallback)).strip()) + 5;
  }

  @BeforeAll
  void up() throws IOException {
    Path target = Files.createDirectories(Path.of("target"));
    dir = Files.createTempDirectory(target.toAbsolutePath(), "local-stack-it-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    GlasswatchSettings input = GlasswatchSettings.builder()
        .set(GlasswatchSettings.STACK_DIR, dir.resolve("stack").toString())
        .set(GlasswatchSettings.STACK_KAFKA_PORT, Integer.toString(KAFKA_PORT))
        .set(GlasswatchSettings.STACK_REGISTRY_PORT, Integer.toString(itPort("registry", 28081)))
        .set(GlasswatchSettings.STACK_ES_PORT, Integer.toString(itPort("elasticsearch", 29200)))
        .set(GlasswatchSettings.STACK_MOTO_PORT, Integer.toString(MOTO_PORT))
        .build();
    stack = new LocalStack(input);
    long start = System.nanoTime();
    settings = stack.up(EnumSet.allOf(Component.class), progress::add);
    firstUp = Duration.ofNanos(System.nanoTime() - start);
  }

  @AfterAll
  void down() throws IOException {
    if (stack != null) {
      stack.down(line -> { });
    }
    if (dir != null) {
      Distributions.deleteTree(dir);
    }
  }

  @Test
  @Order(1)
  void everyServerIsOwnedAndReachable() throws Exception {
    assertThat(stack.status()).allSatisfy(s -> {
      assertThat(s.state()).as(s.toString()).isEqualTo(State.RUNNING_OWNED);
      assertThat(s.pid()).isNotNull();
      assertThat(s.detail()).contains("started in", "rss");
    });
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    try (Admin admin = Admin.create(p)) {
      assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1)
          .allSatisfy(n -> assertThat(n.host()).isEqualTo("127.0.0.1"));
    }
    assertThat(get(settings.get(GlasswatchSettings.REGISTRY_URL) + "/system/info", null, null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> health = get(settings.get(GlasswatchSettings.ES_URL) + "/_cluster/health",
        settings.get(GlasswatchSettings.ES_ADMIN_USER), settings.get(GlasswatchSettings.ES_ADMIN_PASSWORD));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(get(settings.get(GlasswatchSettings.ES_URL) + "/_cluster/health", null, null).statusCode())
        .as("security is on").isEqualTo(401);
    assertThat(settings.get(GlasswatchSettings.SSO_ENDPOINT)).isEqualTo("http://127.0.0.1:" + MOTO_PORT);
    assertThat(get(settings.get(GlasswatchSettings.SSO_ENDPOINT) + "/moto-api/", null, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  @Order(2)
  void credentialsAreGeneratedPrivateAndNeverPrinted() throws IOException {
    Path file = dir.resolve("stack/credentials.properties");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    List<String> secrets = List.of(settings.get(GlasswatchSettings.ES_ADMIN_PASSWORD),
        settings.get(GlasswatchSettings.ES_SINK_PASSWORD), settings.get(LocalStack.ES_READER_PASSWORD));
    assertThat(secrets).allSatisfy(s -> assertThat(s).hasSize(32));
    assertThat(String.join("\n", progress) + settings).doesNotContain(secrets);
    try (var logs = Files.walk(dir.resolve("stack"))) {
      for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
        assertThat(new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.ISO_8859_1)).as(log.toString())
            .doesNotContain(secrets);
      }
    }
  }

  @Test
  @Order(3)
  void sinkUserCanAppendButNeverRewriteTheTimeline() throws Exception {
    String es = settings.get(GlasswatchSettings.ES_URL);
    String user = settings.get(GlasswatchSettings.ES_SINK_USER);
    String pw = settings.get(GlasswatchSettings.ES_SINK_PASSWORD);
    String doc = es + "/glasswatch-timeline-test/_doc/entry-1";

    HttpResponse<String> created = send("PUT", es + "/glasswatch-timeline-test/_create/entry-1", user, pw, "{\"n\":1}");
    HttpResponse<String> overwrite = send("PUT", doc, user, pw, "{\"n\":2}");
    HttpResponse<String> update = send("POST", es + "/glasswatch-timeline-test/_update/entry-1", user, pw,
        "{\"doc\":{\"n\":3}}");
    HttpResponse<String> delete = send("DELETE", doc, user, pw, null);
    HttpResponse<String> elsewhere = send("PUT", es + "/other-index/_create/x", user, pw, "{\"n\":1}");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    for (HttpResponse<String> refused : List.of(overwrite, update, delete, elsewhere)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
      assertThat(refused.body()).contains("security_exception");
    }
    String reader = settings.get(LocalStack.ES_READER_USER);
    String readerPw = settings.get(LocalStack.ES_READER_PASSWORD);
    HttpResponse<String> read = get(doc, reader, readerPw);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("\"n\":1");
    assertThat(send("PUT", es + "/glasswatch-timeline-test/_create/entry-2", reader, readerPw, "{}").statusCode())
        .isEqualTo(403);
  }

  @Test
  @Order(4)
  void secondUpReusesEveryServer() {
    Map<Component, Long> pids = new java.util.EnumMap<>(Component.class);
    stack.status().forEach(s -> pids.put(s.component(), s.pid()));
    List<String> again = new ArrayList<>();

    long start = System.nanoTime();
    GlasswatchSettings second = stack.up(EnumSet.allOf(Component.class), again::add);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(again).hasSize(4).allSatisfy(l -> assertThat(l).contains("already running"));
    assertThat(stack.status()).allSatisfy(s -> assertThat(s.pid()).isEqualTo(pids.get(s.component())));
    assertThat(second.asMap()).isEqualTo(settings.asMap());
  }

  @Test
  @Order(5)
  void reportsStartTimesAndMemory() {
    Map<Component, Duration> starts = stack.startDurations();
    assertThat(starts).containsOnlyKeys(Component.values());
    StringBuilder report = new StringBuilder("local stack first up: " + LocalStack.seconds(firstUp) + "\n");
    for (Component c : Component.values()) {
      MemoryUsage m = stack.memory(c).orElseThrow();
      assertThat(m.rssBytes()).isPositive();
      report.append(String.format("%-13s start %s, rss %d MiB, peak %d MiB%n", c.displayName(),
          LocalStack.seconds(starts.get(c)), m.rssMiB(), m.peakRssMiB()));
    }
    System.out.print(report);
  }

  @Test
  @Order(6)
  void downStopsEverythingThisStackStarted() {
    List<ProcessHandle> processes = stack.status().stream()
        .map(s -> ProcessHandle.of(s.pid()).orElseThrow()).toList();
    List<String> lines = new ArrayList<>();

    stack.down(lines::add);

    assertThat(stack.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(State.STOPPED));
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(lines).hasSize(4).allSatisfy(l -> assertThat(l).contains("stopped (pid"));
  }

  private static HttpResponse<String> get(String url, String user, String password) throws Exception {
    return send("GET", url, user, password, null);
  }

  private static HttpResponse<String> send(String method, String url, String user, String password, String json)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .header("Content-Type", "application/json");
    if (user != null) {
      b.header("Authorization", Probes.basicAuth(user, password));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
