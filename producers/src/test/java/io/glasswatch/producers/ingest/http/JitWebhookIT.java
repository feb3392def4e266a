package io.glasswatch.producers.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.common.Readiness;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.jit.JitSignature;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.io.IOException;
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
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /jit/webhook} with the JIT controller's real signed deliveries
 * ({@code real-sources/jit-aws-controller/webhook-deliveries.jsonl}, key id {@code key-2026-01}, secret
 * {@code harness-signing-secret}), against the test stack's Kafka. The server's clock is set to the
 * capture time, so the deliveries are fresh.
 */
class JitWebhookIT {
  private static final long CAPTURED_AT = 1796591549L;
  private static GlasswatchSettings settings;
  private static List<JsonNode> deliveries;

  private final HttpClient http = HttpClient.newHttpClient();
  private IngestKafka kafka;
  private EventProducer producer;
  private IngestMetrics metrics;
  private IngestServer server;

  @BeforeAll
  static void stack() throws Exception {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
    Path file = Path.of(JitWebhookIT.class.getResource("/real-sources/jit-aws-controller/webhook-deliveries.jsonl").toURI());
    deliveries = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> {
      try {
        return Json.MAPPER.readTree(l);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  @BeforeEach
  void start() throws IOException {
    kafka = new IngestKafka(settings);
    producer = kafka.producer();
    metrics = new IngestMetrics();
    SourceSettings sources = new SourceSettings(null, null, null, null, null,
        Map.of("key-2026-01", "harness-signing-secret".getBytes(StandardCharsets.UTF_8)));
    server = IngestServer.start(new IngestServer.Options(new InetSocketAddress("127.0.0.1", 0),
            Map.of("gw", "unused-gateway-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)), 65536, 1000,
            Duration.ofSeconds(30), Duration.ofMinutes(5)),
        producer, metrics, new Readiness(), Clock.fixed(Instant.ofEpochSecond(CAPTURED_AT + 30), ZoneOffset.UTC),
        sources);
  }

  @AfterEach
  void stop() {
    server.close();
    producer.close();
    kafka.close();
  }

  private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/jit/webhook"))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Content-Length")) {
        b.header(k, v);
      }
    });
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> headers(JsonNode delivery) {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    delivery.get("headers").properties().forEach(e -> h.put(e.getKey(), e.getValue().asText()));
    return h;
  }

  @Test
  void theControllersOwnSignedDeliveryIsAcceptedAndProduced() throws Exception {
    JsonNode granted = deliveries.get(0);
    HttpResponse<String> r = post(granted.get("body").asText(), headers(granted));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    var records = kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 1);
    GatewayEvent e = records.get(0).value();
    assertThat(e.getType()).isEqualTo("grant");
    assertThat(e.getSource()).isEqualTo("jit-controller");
    assertThat(e.getRequestId()).isEqualTo("1d1d7044-857f-45a8-9ab5-6def9d3d47aa");
    assertThat(e.getTimestamp()).isEqualTo(Instant.ofEpochSecond(CAPTURED_AT));
    assertThat(e.getExpiresAt()).isEqualTo(Instant.ofEpochSecond(CAPTURED_AT).plus(Duration.ofMinutes(60)));
  }

  @Test
  void aReplayedNonceIsRefusedAndCounted() throws Exception {
    JsonNode d = deliveries.get(1);
    assertThat(post(d.get("body").asText(), headers(d)).statusCode()).isEqualTo(200);

    HttpResponse<String> again = post(d.get("body").asText(), headers(d));

    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(metrics.scrape()).contains("reason=\"replayed_nonce\"");
  }

  @Test
  void anEditedBodyFailsTheSignature() throws Exception {
    JsonNode d = deliveries.get(0);
    HttpResponse<String> r = post(d.get("body").asText().replace("\"60\"", "\"600\""), headers(d));

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(metrics.scrape()).contains("reason=\"bad_signature\"");
  }

  @Test
  void aTimestampOutsideFiveMinutesIsStale() throws Exception {
    String body = deliveries.get(0).get("body").asText();
    String ts = Long.toString(CAPTURED_AT - 400);
    byte[] secret = "harness-signing-secret".getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = Map.of("X-JIT-KeyID", "key-2026-01", "X-JIT-Timestamp", ts,
        "X-JIT-Nonce", "0b6e8c9a-0000-4000-8000-000000000001",
        "X-JIT-Signature", JitSignature.sign(secret, ts, "0b6e8c9a-0000-4000-8000-000000000001", "POST",
            "/jit/webhook", body.getBytes(StandardCharsets.UTF_8)));

    HttpResponse<String> r = post(body, h);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(metrics.scrape()).contains("reason=\"stale_timestamp\"");
  }

  @Test
  void aMissingHeaderIsUnauthenticated() throws Exception {
    JsonNode d = deliveries.get(0);
    Map<String, String> h = headers(d);
    h.remove("X-Jit-Nonce");

    assertThat(post(d.get("body").asText(), h).statusCode()).isEqualTo(401);
    assertThat(metrics.scrape()).contains("reason=\"unauthenticated\"");
  }

  @Test
  void aRetryWithANewSignatureIsTheSameFact() throws Exception {
    String body = deliveries.get(0).get("body").asText();
    byte[] secret = "harness-signing-secret".getBytes(StandardCharsets.UTF_8);
    for (String nonce : List.of("11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002")) {
      String ts = Long.toString(CAPTURED_AT);
      Map<String, String> h = Map.of("X-JIT-KeyID", "key-2026-01", "X-JIT-Timestamp", ts, "X-JIT-Nonce", nonce,
          "X-JIT-Signature", JitSignature.sign(secret, ts, nonce, "POST", "/jit/webhook",
              body.getBytes(StandardCharsets.UTF_8)));
      assertThat(post(body, h).statusCode()).isEqualTo(200);
    }
    var records = kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 2);
    assertThat(records.get(0).value().getSourceDigest()).isEqualTo(records.get(1).value().getSourceDigest());
  }
}
