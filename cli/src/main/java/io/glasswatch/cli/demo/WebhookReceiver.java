package io.glasswatch.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.alerts.oncall.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local on-call webhook receiver on 127.0.0.1 (random port) that checks every request's
 * HMAC-SHA256 signature the way a real receiver should ({@link WebhookSignature#check}), answers
 * 401 to a bad one, and keeps the verified alerts by their {@code Idempotency-Key}.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final String secret;
  private final Map<String, JsonNode> received = new ConcurrentHashMap<>();
  private final Map<String, Instant> receivedAt = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

  private WebhookReceiver(HttpServer server, String secret) {
    this.server = server;
    this.secret = secret;
  }

  /**
   * Starts a receiver that verifies signatures made with {@code secret}.
   *
   * @throws IOException when no loopback port can be bound
   */
  public static WebhookReceiver start(String secret) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    WebhookReceiver r = new WebhookReceiver(server, secret);
    server.createContext("/glasswatch/alerts", r::handle);
    server.setExecutor(Executors.newFixedThreadPool(2, t -> {
      Thread th = new Thread(t, "demo-webhook-receiver");
      th.setDaemon(true);
      return th;
    }));
    server.start();
    return r;
  }

  /** The URL to configure as {@code alerts.webhook.url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/glasswatch/alerts";
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    byte[] body = ex.getRequestBody().readAllBytes();
    var h = ex.getRequestHeaders();
    WebhookSignature.Verdict verdict = WebhookSignature.check(secret,
        h.getFirst(WebhookSignature.TIMESTAMP_HEADER), h.getFirst(WebhookSignature.NONCE_HEADER), body,
        h.getFirst(WebhookSignature.SIGNATURE_HEADER), Instant.now(), WebhookSignature.DEFAULT_TOLERANCE);
    int status;
    if (verdict == WebhookSignature.Verdict.VALID) {
      JsonNode alert = JSON.readTree(body);
      String key = h.getFirst(WebhookSignature.IDEMPOTENCY_KEY_HEADER);
      String id = key == null ? alert.path("alertId").asText() : key;
      if (received.putIfAbsent(id, alert) == null) {
        receivedAt.put(id, Instant.now());
      }
      status = 200;
    } else {
      rejected.incrementAndGet();
      status = 401;
    }
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  /** Verified alerts by alert id. */
  public Map<String, JsonNode> received() {
    return Map.copyOf(received);
  }

  /** When each verified alert was first received (wall clock), by alert id. */
  public Map<String, Instant> receivedAt() {
    return Map.copyOf(receivedAt);
  }

  /** Requests received, verified or not. */
  public int requests() {
    return requests.get();
  }

  /** Requests whose signature did not verify. */
  public int rejected() {
    return rejected.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
