package io.glasswatch.producers.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.common.Readiness;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ingest endpoint against the test stack's real Kafka and Apicurio Registry. */
class IngestServerIT {
  private static final byte[] KEY_A = "gateway-key-a-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] KEY_B = "gateway-key-b-fedcba9876543210fedcba9876".getBytes(StandardCharsets.UTF_8);
  private static final String REQUEST = """
      {"type":"request","requestId":"req-%s","subject":"alice@example.com","justification":"prod outage",
       "ticketId":"INC-42","accountId":"111122223333","timestamp":"2024-05-01T12:00:00Z"}""";
  private static final String APPROVAL = """
      {"type":"approval","requestId":"req-1","approver":"bob","approverAcr":"loa2",
       "approverRole":"security","timestamp":"2024-05-01T12:01:00Z"}""";
  private static GlasswatchSettings settings;

  private final HttpClient http = HttpClient.newHttpClient();
  private IngestKafka kafka;
  private EventProducer producer;
  private IngestMetrics metrics;
  private IngestServer server;

  @BeforeAll
  static void stack() {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void start() throws IOException {
    kafka = new IngestKafka(settings);
    producer = kafka.producer();
    metrics = new IngestMetrics();
    server = start(producer, 50_000, Duration.ofSeconds(30), new Readiness());
  }

  private IngestServer start(EventProducer p, int maxInFlight, Duration ackTimeout, Readiness readiness)
      throws IOException {
    return IngestServer.start(new IngestServer.Options(new InetSocketAddress("127.0.0.1", 0),
        Map.of("gw-a", KEY_A, "gw-b", KEY_B), 4096, maxInFlight, ackTimeout, Duration.ofMinutes(5)),
        p, metrics, readiness, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    server.close();
    producer.close();
    kafka.close();
  }

  private HttpRequest.Builder signed(IngestServer s, String keyId, byte[] key, long epochSeconds, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + IngestServer.EVENTS_PATH))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    RequestSignature.headers(keyId, key, "POST", IngestServer.EVENTS_PATH, epochSeconds, bytes).forEach(b::header);
    return b;
  }

  private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return send(signed(server, "gw-a", KEY_A, Instant.now().getEpochSecond(), body).build());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void acceptsASignedBatchWith202AfterKafkaAcknowledgedEveryEvent() throws Exception {
    HttpResponse<String> r = post("[" + REQUEST.formatted("1") + "," + APPROVAL + "]");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(json(r).get("accepted").asLong()).isEqualTo(2);
    // 202 came after the acknowledgements: the records are in the topic already
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isEqualTo(2);
    var records = kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 2);
    assertThat(records).extracting(ConsumerRecord::key).containsOnly("req-1");
    assertThat(metrics.eventsCount("http")).isEqualTo(2);
  }

  @Test
  void acceptsASingleEventSignedWithEitherOfTwoRotatedKeys() throws Exception {
    HttpResponse<String> a = post(REQUEST.formatted("a"));
    HttpResponse<String> b = send(signed(server, "gw-b", KEY_B, Instant.now().getEpochSecond(), REQUEST.formatted("b")).build());

    assertThat(a.statusCode()).as(a.body()).isEqualTo(202);
    assertThat(b.statusCode()).as(b.body()).isEqualTo(202);
    assertThat(kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 2)).extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("req-a", "req-b");
  }

  @Test
  void acceptsEventBridgeEnvelopesOfCloudTrail() throws Exception {
    String detail = """
        {"eventVersion":"1.08","eventTime":"2024-05-01T12:05:00Z","eventSource":"signin.amazonaws.com",
         "eventName":"ConsoleLogin","awsRegion":"us-east-1","eventID":"11111111-2222-3333-4444-555555555555",
         "eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333",
         "userIdentity":{"type":"Root","accountId":"111122223333","arn":"arn:aws:iam::111122223333:root"},
         "responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"}}""";
    String envelope = """
        {"version":"0","id":"e-1","detail-type":"AWS Console Sign In via CloudTrail","source":"aws.signin",
         "account":"111122223333","time":"2024-05-01T12:05:00Z","region":"us-east-1","resources":[],
         "detail":%s}""".formatted(detail);

    HttpResponse<String> r = post(envelope);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    var records = kafka.read(Topics.CLOUDTRAIL_EVENTS, CloudTrailEvent.class, 1);
    assertThat(records.getFirst().key()).isEqualTo("111122223333");
  }

  @Test
  void acceptsEventBridgeApiDestinationDeliveriesWithTheirApiKeyButNoGatewayEvents() throws Exception {
    String apiKey = "eventbridge-api-key-0123456789abcdef0123";
    String envelope = """
        {"version":"0","id":"e-2","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"111122223333",
         "time":"2020-05-26T22:55:21Z","region":"us-east-1","resources":[],
         "detail":{"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","id":"gd-1",
           "type":"Policy:IAMUser/RootCredentialUsage","severity":2,"createdAt":"2020-05-26T22:21:48.385Z",
           "updatedAt":"2020-05-26T22:55:21.703Z","title":"t","description":"d",
           "resource":{"resourceType":"AccessKey","accessKeyDetails":{"userType":"Root"}},
           "service":{"serviceName":"guardduty","eventFirstSeen":"2020-05-26T22:02:24Z","eventLastSeen":"2020-05-26T22:33:55Z","count":1}}}""";
    try (IngestServer s = IngestServer.start(new IngestServer.Options(new InetSocketAddress("127.0.0.1", 0),
        Map.of("gw-a", KEY_A), 4096, 100, Duration.ofSeconds(30), Duration.ofMinutes(5),
        Map.of("eventbridge", apiKey.getBytes(StandardCharsets.UTF_8))), producer, metrics, new Readiness(), Clock.systemUTC())) {
      URI uri = URI.create("http://127.0.0.1:" + s.port() + IngestServer.EVENTBRIDGE_PATH);
      HttpResponse<String> ok = send(HttpRequest.newBuilder(uri).header(IngestServer.API_KEY_HEADER, apiKey)
          .POST(HttpRequest.BodyPublishers.ofString(envelope)).build());
      HttpResponse<String> wrongKey = send(HttpRequest.newBuilder(uri).header(IngestServer.API_KEY_HEADER, apiKey + "x")
          .POST(HttpRequest.BodyPublishers.ofString(envelope)).build());
      HttpResponse<String> gateway = send(HttpRequest.newBuilder(uri).header(IngestServer.API_KEY_HEADER, apiKey)
          .POST(HttpRequest.BodyPublishers.ofString(REQUEST.formatted("1"))).build());

      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
      assertThat(wrongKey.statusCode()).isEqualTo(401);
      assertThat(gateway.statusCode()).isEqualTo(400);
      assertThat(json(gateway).get("rejected").get(0).get("field").asText()).isEqualTo("detail-type");
    }
    assertThat(kafka.count(Topics.GUARDDUTY_FINDINGS)).isEqualTo(1);
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isZero();
  }

  @Test
  void rejectsABadSignatureWith401() throws Exception {
    HttpRequest r = signed(server, "gw-a", KEY_B, Instant.now().getEpochSecond(), REQUEST.formatted("1")).build();

    HttpResponse<String> resp = send(r);

    assertThat(resp.statusCode()).isEqualTo(401);
    assertThat(json(resp).get("error").asText()).contains("signature does not match");
    assertThat(metrics.rejectedCount("http", "bad_signature")).isEqualTo(1);
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isZero();
  }

  @Test
  void rejectsABodyChangedAfterSigning() throws Exception {
    byte[] signedBody = REQUEST.formatted("1").getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + IngestServer.EVENTS_PATH))
        .POST(HttpRequest.BodyPublishers.ofString(REQUEST.formatted("2")));
    RequestSignature.headers("gw-a", KEY_A, "POST", IngestServer.EVENTS_PATH, Instant.now().getEpochSecond(), signedBody)
        .forEach(b::header);

    assertThat(send(b.build()).statusCode()).isEqualTo(401);
  }

  @Test
  void rejectsMissingHeadersAndUnknownKeysWith401() throws Exception {
    HttpRequest unsigned = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + IngestServer.EVENTS_PATH))
        .POST(HttpRequest.BodyPublishers.ofString(REQUEST.formatted("1"))).build();
    HttpRequest unknown = signed(server, "gw-retired", KEY_A, Instant.now().getEpochSecond(), REQUEST.formatted("1")).build();

    assertThat(send(unsigned).statusCode()).isEqualTo(401);
    assertThat(send(unknown).statusCode()).isEqualTo(401);
    assertThat(metrics.rejectedCount("http", "unauthenticated")).isEqualTo(1);
    assertThat(metrics.rejectedCount("http", "unknown_key")).isEqualTo(1);
  }

  @Test
  void rejectsTimestampsOutsideTheFiveMinuteWindowWith401() throws Exception {
    long now = Instant.now().getEpochSecond();
    HttpResponse<String> old = send(signed(server, "gw-a", KEY_A, now - 301, REQUEST.formatted("1")).build());
    HttpResponse<String> future = send(signed(server, "gw-a", KEY_A, now + 301, REQUEST.formatted("1")).build());
    HttpResponse<String> edge = send(signed(server, "gw-a", KEY_A, now - 240, REQUEST.formatted("1")).build());

    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(json(old).get("error").asText()).contains("timestamp outside");
    assertThat(future.statusCode()).isEqualTo(401);
    assertThat(edge.statusCode()).as(edge.body()).isEqualTo(202);
    assertThat(metrics.rejectedCount("http", "stale_timestamp")).isEqualTo(2);
  }

  @Test
  void rejectsAReplayedNonceWith401() throws Exception {
    HttpRequest r = signed(server, "gw-a", KEY_A, Instant.now().getEpochSecond(), REQUEST.formatted("1")).build();

    HttpResponse<String> first = send(r);
    HttpResponse<String> replay = send(r);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(json(replay).get("error").asText()).contains("nonce already used");
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isEqualTo(1);
  }

  @Test
  void rejectsMalformedJsonWith400AndKeepsItInTheDeadLetterTopic() throws Exception {
    HttpResponse<String> r = post("{\"type\":\"request\",");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("error").asText()).startsWith("malformed JSON");
    var dead = kafka.readDeadLetters(1);
    assertThat(new String(dead.getFirst().headers().lastHeader(DeadLetterHeaders.FILE).value(), StandardCharsets.UTF_8))
        .isEqualTo("http:gw-a");
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isZero();
  }

  @Test
  void rejectsAnUnknownEventTypeWith400NamingTheFieldAndAcceptsNothingOfTheRequest() throws Exception {
    String unknown = "{\"type\":\"frobnicate\",\"requestId\":\"req-9\",\"timestamp\":\"2024-05-01T12:00:00Z\"}";
    String noAcr = APPROVAL.replace("\"approverAcr\":\"loa2\",", "");

    HttpResponse<String> r = post("[" + REQUEST.formatted("1") + "," + unknown + "," + noAcr + "]");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode rejected = json(r).get("rejected");
    assertThat(rejected).hasSize(2);
    assertThat(rejected.get(0).get("index").asInt()).isEqualTo(1);
    assertThat(rejected.get(0).get("field").asText()).isEqualTo("type");
    assertThat(rejected.get(0).get("reason").asText()).contains("frobnicate");
    assertThat(rejected.get(1).get("index").asInt()).isEqualTo(2);
    assertThat(rejected.get(1).get("field").asText()).isEqualTo("approverAcr");
    var dead = kafka.readDeadLetters(2);
    assertThat(dead).extracting(d -> new String(d.headers().lastHeader(DeadLetterHeaders.LINE).value(), StandardCharsets.UTF_8))
        .containsExactly("2", "3");
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isZero();
  }

  @Test
  void rejectsAnOversizedBodyWith413() throws Exception {
    String big = "[" + String.join(",", java.util.Collections.nCopies(40, REQUEST.formatted("1"))) + "]";
    assertThat(big.length()).isGreaterThan(4096);

    HttpResponse<String> r = post(big);

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(metrics.rejectedCount("http", "too_large")).isEqualTo(1);
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isZero();
  }

  @Test
  void answers503AndNever202WhenKafkaIsUnavailable() throws Exception {
    GlasswatchSettings dead = settings.with(GlasswatchSettings.KAFKA_BOOTSTRAP, "127.0.0.1:" + freePort())
        .with("kafka.producer.max.block.ms", "1500");
    try (EventProducer deadProducer = kafka.producer(dead);
        IngestServer s = start(deadProducer, 1000, Duration.ofSeconds(5), new Readiness())) {
      HttpResponse<String> r = send(signed(s, "gw-a", KEY_A, Instant.now().getEpochSecond(), REQUEST.formatted("1")).build());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).contains("5");
      assertThat(metrics.rejectedCount("http", "kafka_unavailable")).isEqualTo(1);
    }
  }

  @Test
  void answers429WhenTooManyEventsWaitForKafka() throws Exception {
    GlasswatchSettings dead = settings.with(GlasswatchSettings.KAFKA_BOOTSTRAP, "127.0.0.1:" + freePort())
        .with("kafka.producer.max.block.ms", "4000");
    metrics = new IngestMetrics(); // the in-flight gauge of this server, not of the one of @BeforeEach
    try (EventProducer deadProducer = kafka.producer(dead);
        IngestServer s = start(deadProducer, 2, Duration.ofSeconds(10), new Readiness())) {
      CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
          signed(s, "gw-a", KEY_A, Instant.now().getEpochSecond(), "[" + REQUEST.formatted("1") + "," + APPROVAL + "]").build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(10)).until(() -> metrics.scrape().contains("glasswatch_ingest_in_flight_events 2.0"));

      HttpResponse<String> r = send(signed(s, "gw-a", KEY_A, Instant.now().getEpochSecond(), REQUEST.formatted("2")).build());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).contains("1");
      assertThat(waiting.get().statusCode()).isEqualTo(503);
    }
  }

  @Test
  void servesHealthReadinessAndPrometheusMetricsWithoutSignature() throws Exception {
    Readiness readiness = new Readiness();
    String[] problem = {"not reachable"};
    readiness.register("kafka", () -> problem[0]);
    try (IngestServer s = start(producer, 10, Duration.ofSeconds(5), readiness)) {
      String base = "http://127.0.0.1:" + s.port();
      post(REQUEST.formatted("1"));

      assertThat(send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build()).statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("not reachable");
      problem[0] = null;
      assertThat(send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build()).statusCode()).isEqualTo(200);
      HttpResponse<String> m = send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build());
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.body()).contains("glasswatch_ingest_events_total{source=\"http\"} 1.0")
          .contains("glasswatch_ingest_request_seconds");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
