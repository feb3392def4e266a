package io.glasswatch.producers.ingest.http;

import static io.glasswatch.producers.ingest.http.HttpReplies.error;
import static io.glasswatch.producers.ingest.http.HttpReplies.reply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.common.IngestSettings;
import io.glasswatch.producers.ingest.common.Readiness;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.ProduceReport;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.Secrets;
import io.glasswatch.producers.normalize.core.SourceRef;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest endpoint of the authorization gateway and of EventBridge API destinations.
 *
 * <p>{@code POST /v1/events} takes one JSON event or a JSON array of events: gateway events (SPEC 1.1),
 * CloudTrail records, GuardDuty findings and EventBridge envelopes of either (SPEC 1.2, 1.3), told
 * apart by {@link Normalizer}. Answers, with a JSON body:
 *
 * <ul>
 *   <li>202 {@code {"accepted": n, "skipped": k}} only after Kafka acknowledged every event
 *       ({@code acks=all});
 *   <li>400 for a body that is not JSON ({@code {"error": ...}}) or holding invalid events
 *       ({@code {"error": ..., "rejected": [{"index": i, "field": f, "reason": r}, ...]}}, one entry per
 *       rejected event naming its first invalid field): nothing of that request is produced to the
 *       input topics; the rejected events go to the dead-letter topic (file {@code http:<keyId>},
 *       line = the event's 1-based position in the request);
 *   <li>401 when a signature header is missing, the key id unknown, the timestamp more than
 *       {@code clockSkew} away from this server's clock, the signature wrong, or the nonce used before
 *       ({@link RequestSignature});
 *   <li>413 for a body above {@code maxBodyBytes}, or more events than {@code maxInFlightEvents};
 *   <li>429 with {@code Retry-After: 1} when accepting the request would exceed
 *       {@code maxInFlightEvents} events sent to Kafka and not yet acknowledged (back-pressure);
 *   <li>503 with {@code Retry-After: 5} when Kafka did not acknowledge every event within
 *       {@code ackTimeout} or refused one: nothing is confirmed, the client retries.
 * </ul>
 *
 * <p>{@code POST /v1/eventbridge} is the same for EventBridge API destinations, which cannot compute
 * a signature: the request carries {@value #API_KEY_HEADER} (the connection's API key, one of
 * {@code eventBridgeKeys}) and may hold only EventBridge envelopes ({@code detail-type} and
 * {@code detail}: CloudTrail records and GuardDuty findings; docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html).
 * Gateway events need the signed path. EventBridge re-delivers on failure; records are de-duplicated
 * downstream by CloudTrail {@code eventID} and GuardDuty finding id.
 *
 * <p>{@code POST /jit/webhook} takes the JIT controller's signed webhook notifications
 * ({@link JitWebhookEndpoint}) when {@code sources.jit-controller.webhook-secret} is set.
 *
 * <p>{@code GET /healthz} answers 200 while the process serves; {@code GET /readyz} 200 when every
 * {@link Readiness} check passes, else 503 listing the problems; {@code GET /metrics} the
 * {@link IngestMetrics} in Prometheus text format. These three need no signature.
 *
 * <p>The server is the JDK's {@code com.sun.net.httpserver} with one virtual thread per request: it
 * needs no dependency, and a request thread can simply block until Kafka acknowledged its events, so
 * thousands of requests may wait at once at the cost of a few kilobytes each. Serve it behind a TLS
 * terminating proxy or load balancer; HMAC keys and bodies are never logged.
 */
public final class IngestServer implements AutoCloseable {
  /** The ingest path. */
  public static final String EVENTS_PATH = "/v1/events";
  /** The EventBridge API destination path (API key authentication, EventBridge envelopes only). */
  public static final String EVENTBRIDGE_PATH = "/v1/eventbridge";
  /** Header of the EventBridge API key (the connection's API key name). */
  public static final String API_KEY_HEADER = "X-Glasswatch-Api-Key";
  private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
  private static final Pattern NONCE_FORM = Pattern.compile("[A-Za-z0-9_-]{16,128}");
  private static final String SOURCE = "http";

  /**
   * Endpoint options.
   *
   * @param listen address to bind (port 0: any free port)
   * @param keys key id → secret bytes; several at once for rotation
   * @param maxBodyBytes largest body accepted (413 above)
   * @param maxInFlightEvents events sent and not yet acknowledged before 429
   * @param ackTimeout longest wait for Kafka's acknowledgements (503 after)
   * @param clockSkew accepted timestamp distance (±)
   * @param eventBridgeKeys name → API key of {@value #EVENTBRIDGE_PATH}; empty turns that path off
   */
  public record Options(InetSocketAddress listen, Map<String, byte[]> keys, int maxBodyBytes,
      int maxInFlightEvents, Duration ackTimeout, Duration clockSkew, Map<String, byte[]> eventBridgeKeys) {
    /** Validates and copies. */
    public Options {
      Objects.requireNonNull(listen, "listen");
      keys = Map.copyOf(keys);
      eventBridgeKeys = Map.copyOf(eventBridgeKeys);
      if (keys.isEmpty() || maxBodyBytes < 1 || maxInFlightEvents < 1) {
        throw new IllegalArgumentException("at least one key, maxBodyBytes and maxInFlightEvents >= 1");
      }
    }

    /** Options without an EventBridge path. */
    public Options(InetSocketAddress listen, Map<String, byte[]> keys, int maxBodyBytes, int maxInFlightEvents,
        Duration ackTimeout, Duration clockSkew) {
      this(listen, keys, maxBodyBytes, maxInFlightEvents, ackTimeout, clockSkew, Map.of());
    }

    /** The options of {@code s} (its {@code httpListen} must be set). */
    public static Options of(IngestSettings s) {
      return new Options(s.httpListen(), s.hmacKeys(), s.maxBodyBytes(), s.maxInFlightEvents(), s.ackTimeout(),
          s.clockSkew(), s.eventBridgeKeys());
    }

    @Override
    public String toString() {
      return "Options[listen=" + listen + ", keys=" + keys.keySet() + ", maxBodyBytes=" + maxBodyBytes
          + ", maxInFlightEvents=" + maxInFlightEvents + ", ackTimeout=" + ackTimeout + ", clockSkew=" + clockSkew
          + ", eventBridgeKeys=" + eventBridgeKeys.keySet() + "]";
    }
  }

  private final Options options;
  private final EventProducer producer;
  private final IngestMetrics metrics;
  private final Readiness readiness;
  private final Clock clock;
  private final Normalizer normalizer;
  private final JitWebhookEndpoint jitWebhook;
  private final NonceCache nonces;
  private final Semaphore inFlight;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  private IngestServer(Options options, EventProducer producer, IngestMetrics metrics, Readiness readiness,
      Clock clock, SourceSettings sources) throws IOException {
    this.options = options;
    this.normalizer = new Normalizer(sources);
    this.jitWebhook = new JitWebhookEndpoint(normalizer.nativeFormats(), producer, metrics, clock, options.ackTimeout());
    this.producer = producer;
    this.metrics = metrics;
    this.readiness = readiness;
    this.clock = clock;
    this.nonces = new NonceCache(options.clockSkew().toSeconds());
    this.inFlight = new Semaphore(options.maxInFlightEvents());
    metrics.inFlight(() -> options.maxInFlightEvents() - inFlight.availablePermits());
    this.server = HttpServer.create(options.listen(), 1024);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Binds and starts the endpoint.
   *
   * @param producer shared producer of the input and dead-letter topics
   * @param clock the clock timestamps are checked against
   * @throws IOException when the address cannot be bound
   */
  public static IngestServer start(Options options, EventProducer producer, IngestMetrics metrics,
      Readiness readiness, Clock clock) throws IOException {
    return start(options, producer, metrics, readiness, clock, SourceSettings.fromEnvironment());
  }

  /**
   * Binds and starts the endpoint, reading the break-glass systems' records (SPEC 1.4) with
   * {@code sources}; {@code POST /jit/webhook} serves when its JIT webhook secret is set.
   *
   * @throws IOException when the address cannot be bound
   */
  public static IngestServer start(Options options, EventProducer producer, IngestMetrics metrics,
      Readiness readiness, Clock clock, SourceSettings sources) throws IOException {
    IngestServer s = new IngestServer(options, producer, metrics, readiness, clock, sources);
    s.server.start();
    LOG.info("ingest endpoint listening on {} with {}", s.server.getAddress(), options);
    return s;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting, lets running requests finish for up to 5 s. */
  @Override
  public void close() {
    server.stop(5);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) {
    long t0 = System.nanoTime();
    int status = 500;
    try (ex) {
      status = route(ex);
    } catch (IOException e) {
      LOG.debug("client connection failed: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.error("ingest request failed", e);
      try {
        status = reply(ex, 500, error("internal error"));
      } catch (IOException ignored) {
        // the connection is gone
      }
    } finally {
      metrics.request(status, Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  private int route(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    switch (path) {
      case "/healthz" -> {
        return method.equals("GET") ? reply(ex, 200, Json.MAPPER.createObjectNode().put("status", "ok"))
            : notAllowed(ex, "GET");
      }
      case "/readyz" -> {
        if (!method.equals("GET")) {
          return notAllowed(ex, "GET");
        }
        Map<String, String> problems = readiness.problems();
        ObjectNode body = Json.MAPPER.createObjectNode().put("status", problems.isEmpty() ? "ready" : "not ready");
        problems.forEach(body.putObject("problems")::put);
        return reply(ex, problems.isEmpty() ? 200 : 503, body);
      }
      case "/metrics" -> {
        if (!method.equals("GET")) {
          return notAllowed(ex, "GET");
        }
        byte[] text = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, text.length);
        ex.getResponseBody().write(text);
        return 200;
      }
      case EVENTS_PATH -> {
        return method.equals("POST") ? ingest(ex, false) : notAllowed(ex, "POST");
      }
      case EVENTBRIDGE_PATH -> {
        if (options.eventBridgeKeys().isEmpty()) {
          return reply(ex, 404, error("the EventBridge path is not configured"));
        }
        return method.equals("POST") ? ingest(ex, true) : notAllowed(ex, "POST");
      }
      case JitWebhookEndpoint.PATH -> {
        if (!jitWebhook.enabled()) {
          return reply(ex, 404, error("the JIT webhook is not configured (" + SourceSettings.JIT_WEBHOOK_SECRETS + ")"));
        }
        if (!method.equals("POST")) {
          return notAllowed(ex, "POST");
        }
        byte[] body = readAtMost(ex.getRequestBody(), options.maxBodyBytes());
        return body == null ? tooLarge(ex) : jitWebhook.handle(ex, body);
      }
      default -> {
        return reply(ex, 404, error("no such path: use POST " + EVENTS_PATH));
      }
    }
  }

  private int ingest(HttpExchange ex, boolean eventBridge) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > options.maxBodyBytes()) {
          return tooLarge(ex);
        }
      } catch (NumberFormatException e) {
        return reply(ex, 400, error("invalid Content-Length"));
      }
    }
    byte[] body = readAtMost(ex.getRequestBody(), options.maxBodyBytes());
    if (body == null) {
      return tooLarge(ex);
    }
    String keyId = eventBridge ? authenticateApiKey(ex) : authenticate(ex, body);
    if (keyId == null) {
      return 401;
    }
    String source = (eventBridge ? "eventbridge:" : "http:") + keyId;
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw new com.fasterxml.jackson.core.JsonParseException(null, "empty body");
      }
    } catch (JsonProcessingException e) {
      String reason = "malformed JSON: " + Normalizer.safeMessage(e);
      metrics.rejected(SOURCE, "malformed_json", 1);
      awaitQuietly(producer.produceAsync(List.of(new NormalizeResult.Rejected(source, 1, null, reason,
          Secrets.redactRaw(body)))));
      return reply(ex, 400, error(reason));
    }
    List<JsonNode> items = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(items::add);
    } else {
      items.add(root);
    }
    if (items.isEmpty()) {
      metrics.rejected(SOURCE, "invalid_event", 1);
      return reply(ex, 400, error("empty array: no event to ingest"));
    }
    if (items.size() > options.maxInFlightEvents()) {
      metrics.rejected(SOURCE, "too_large", 1);
      return reply(ex, 413, error("too many events in one request: " + items.size() + ", at most "
          + options.maxInFlightEvents()));
    }
    List<NormalizeResult> results = new ArrayList<>(items.size());
    List<NormalizeResult.Rejected> rejected = new ArrayList<>();
    ArrayNode rejectedJson = Json.MAPPER.createArrayNode();
    for (int i = 0; i < items.size(); i++) {
      final int index = i;
      JsonNode item = items.get(i);
      if (eventBridge && !(item.isObject() && item.has("detail-type") && item.has("detail"))) {
        NormalizeResult.Rejected rej = new NormalizeResult.Rejected(source, i + 1, "detail-type",
            "only EventBridge envelopes (detail-type and detail) are accepted on " + EVENTBRIDGE_PATH,
            Json.compact(Secrets.redact(item)).getBytes(StandardCharsets.UTF_8));
        results.add(rej);
        rejected.add(rej);
        rejectedJson.addObject().put("index", index).put("field", rej.field()).put("reason", rej.reason());
        continue;
      }
      normalizer.normalize(item, SourceRef.of(source, i + 1), null, r -> {
        results.add(r);
        if (r instanceof NormalizeResult.Rejected rej) {
          rejected.add(rej);
          ObjectNode o = rejectedJson.addObject().put("index", index);
          o.put("field", rej.field());
          o.put("reason", rej.reason());
        }
      });
    }
    if (!rejected.isEmpty()) {
      metrics.rejected(SOURCE, "invalid_event", rejected.size());
      awaitQuietly(producer.produceAsync(rejected));
      ObjectNode body400 = error(rejected.size() + " of " + items.size()
          + " event(s) rejected; nothing of this request was accepted");
      body400.set("rejected", rejectedJson);
      return reply(ex, 400, body400);
    }
    int permits = results.size();
    if (!inFlight.tryAcquire(permits)) {
      metrics.rejected(SOURCE, "backpressure", 1);
      ex.getResponseHeaders().set("Retry-After", "1");
      return reply(ex, 429, error("too many events waiting for Kafka; retry after 1 s"));
    }
    CompletableFuture<ProduceReport> acked;
    try {
      acked = producer.produceAsync(results);
    } catch (RuntimeException e) {
      inFlight.release(permits);
      throw e;
    }
    acked.whenComplete((r, e) -> inFlight.release(permits));
    try {
      ProduceReport report = acked.get(options.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
      metrics.eventsIn(SOURCE, report.producedTotal());
      return reply(ex, 202, Json.MAPPER.createObjectNode().put("accepted", report.producedTotal())
          .put("skipped", report.skipped()));
    } catch (TimeoutException | ExecutionException e) {
      metrics.rejected(SOURCE, "kafka_unavailable", 1);
      LOG.warn("{}: Kafka did not acknowledge {} event(s): {}", source, permits,
          e instanceof ExecutionException ? e.getCause().getMessage() : "timed out after " + options.ackTimeout());
      ex.getResponseHeaders().set("Retry-After", "5");
      return reply(ex, 503, error("Kafka did not acknowledge every event; nothing is confirmed, retry"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return reply(ex, 503, error("shutting down"));
    }
  }

  /** The key id when the request is authentic; otherwise replies 401 and returns null. */
  private String authenticate(HttpExchange ex, byte[] body) throws IOException {
    var h = ex.getRequestHeaders();
    String keyId = h.getFirst(RequestSignature.KEY_ID);
    String ts = h.getFirst(RequestSignature.TIMESTAMP);
    String nonce = h.getFirst(RequestSignature.NONCE);
    String sig = h.getFirst(RequestSignature.SIGNATURE);
    if (keyId == null || ts == null || nonce == null || sig == null) {
      return unauthorized(ex, "unauthenticated", "missing " + RequestSignature.KEY_ID + ", "
          + RequestSignature.TIMESTAMP + ", " + RequestSignature.NONCE + " or " + RequestSignature.SIGNATURE);
    }
    byte[] secret = options.keys().get(keyId);
    if (secret == null) {
      return unauthorized(ex, "unknown_key", "unknown key id");
    }
    long requestTime;
    try {
      requestTime = Long.parseLong(ts.trim());
    } catch (NumberFormatException e) {
      return unauthorized(ex, "stale_timestamp", RequestSignature.TIMESTAMP + " must be epoch seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - requestTime) > options.clockSkew().toSeconds()) {
      return unauthorized(ex, "stale_timestamp", "timestamp outside the accepted window of ±"
          + options.clockSkew().toSeconds() + " s");
    }
    if (!NONCE_FORM.matcher(nonce).matches()) {
      return unauthorized(ex, "unauthenticated", RequestSignature.NONCE + " must be 16-128 characters of [A-Za-z0-9_-]");
    }
    if (!RequestSignature.verify(secret, ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ts, nonce, body, sig)) {
      return unauthorized(ex, "bad_signature", "signature does not match");
    }
    if (!nonces.firstUse(keyId, nonce, requestTime, now)) {
      return unauthorized(ex, "replayed_nonce", "nonce already used");
    }
    return keyId;
  }

  /**
   * The name of the EventBridge key the request's {@value #API_KEY_HEADER} matches (compared in
   * constant time); otherwise replies 401 and returns null.
   */
  private String authenticateApiKey(HttpExchange ex) throws IOException {
    String given = ex.getRequestHeaders().getFirst(API_KEY_HEADER);
    if (given == null) {
      return unauthorized(ex, "unauthenticated", "missing " + API_KEY_HEADER);
    }
    byte[] g = given.trim().getBytes(StandardCharsets.UTF_8);
    String match = null;
    for (Map.Entry<String, byte[]> e : options.eventBridgeKeys().entrySet()) {
      if (java.security.MessageDigest.isEqual(g, e.getValue())) {
        match = e.getKey();
      }
    }
    return match != null ? match : unauthorized(ex, "unknown_key", "API key not valid");
  }

  private String unauthorized(HttpExchange ex, String reason, String message) throws IOException {
    metrics.rejected(SOURCE, reason, 1);
    ex.getResponseHeaders().set("WWW-Authenticate", "Glasswatch-HMAC-SHA256");
    reply(ex, 401, error("authentication failed: " + message));
    return null;
  }

  private int tooLarge(HttpExchange ex) throws IOException {
    metrics.rejected(SOURCE, "too_large", 1);
    ex.getResponseHeaders().set("Connection", "close");
    return reply(ex, 413, error("request body above " + options.maxBodyBytes() + " bytes"));
  }

  private int notAllowed(HttpExchange ex, String allow) throws IOException {
    ex.getResponseHeaders().set("Allow", allow);
    return reply(ex, 405, error("method not allowed; use " + allow));
  }

  private static void awaitQuietly(CompletableFuture<ProduceReport> f) {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("dead-letter records not acknowledged: {}", e.toString());
    }
  }

  /** The body, or null when it is longer than {@code max} bytes. */
  private static byte[] readAtMost(InputStream in, int max) throws IOException {
    byte[] data = in.readNBytes(max);
    if (data.length == max && in.read() >= 0) {
      return null;
    }
    return data;
  }
}
