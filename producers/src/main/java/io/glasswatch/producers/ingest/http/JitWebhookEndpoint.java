package io.glasswatch.producers.ingest.http;

import static io.glasswatch.producers.ingest.http.HttpReplies.error;
import static io.glasswatch.producers.ingest.http.HttpReplies.reply;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.ProduceReport;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.NativeFormats;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.core.Secrets;
import io.glasswatch.producers.normalize.core.SourceRef;
import io.glasswatch.producers.normalize.jit.JitSignature;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /jit/webhook}: the JIT controller's webhook notifications, verified exactly as the
 * controller's own validator does ({@code HMACValidator.ValidateRequest} in {@code internal/auth/hmac.go}
 * of {@code dgwhited/jit-aws-controller}; {@code real-sources/README.md} 2.6), so the controller's
 * plugin webhook URL can point at Glasswatch.
 *
 * <p>Checks, in the controller's order: the four headers {@code X-JIT-KeyID}, {@code X-JIT-Timestamp},
 * {@code X-JIT-Nonce}, {@code X-JIT-Signature} present (names case-insensitive); {@code |now -
 * timestamp| <= 5 min}; the nonce not seen for that key id in the last 10 min; the signature
 * ({@link JitSignature}, path {@value JitSignature#WEBHOOK_PATH}, method POST) with the secret of the
 * key id, then with every configured secret (rotation). Any failure: 401, counted in
 * {@code glasswatch_ingest_rejected_total{source="jit-webhook",reason=...}} (reasons
 * {@code unauthenticated}, {@code stale_timestamp}, {@code replayed_nonce}, {@code bad_signature}),
 * nothing produced. The nonce is remembered only once the signature verified.
 *
 * <p>A verified notification is normalized ({@link NativeFormats#webhook}, time = its
 * {@code X-JIT-Timestamp}) and produced; 200 {@code {"accepted": n}} once Kafka acknowledged it. A
 * body that is not a notification: 400, dead-letter topic. The controller re-sends a notification up
 * to 3 times with a new signature; the copies carry the same fact digest, so the correlator keeps one.
 */
final class JitWebhookEndpoint {
  /** The path, the same as the controller signs. */
  static final String PATH = JitSignature.WEBHOOK_PATH;
  /** Accepted distance between the timestamp and this server's clock. */
  static final Duration SKEW = Duration.ofMinutes(5);
  private static final String SOURCE = "jit-webhook";

  private final Map<String, byte[]> secrets;
  private final NativeFormats formats;
  private final EventProducer producer;
  private final IngestMetrics metrics;
  private final Clock clock;
  private final Duration ackTimeout;
  private final NonceCache nonces = new NonceCache(SKEW.toSeconds());

  JitWebhookEndpoint(NativeFormats formats, EventProducer producer, IngestMetrics metrics, Clock clock,
      Duration ackTimeout) {
    this.formats = formats;
    this.secrets = formats.settings().jitWebhookSecrets();
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
    this.ackTimeout = ackTimeout;
  }

  /** Whether a webhook secret is configured (else the path answers 404). */
  boolean enabled() {
    return !secrets.isEmpty();
  }

  /** Handles one request whose body was read (at most the server's body limit). */
  int handle(HttpExchange ex, byte[] body) throws IOException {
    var h = ex.getRequestHeaders();
    String keyId = h.getFirst(JitSignature.KEY_ID);
    String ts = h.getFirst(JitSignature.TIMESTAMP);
    String nonce = h.getFirst(JitSignature.NONCE);
    String sig = h.getFirst(JitSignature.SIGNATURE);
    if (keyId == null || ts == null || nonce == null || sig == null) {
      return unauthorized(ex, "unauthenticated", "missing X-JIT-KeyID, X-JIT-Timestamp, X-JIT-Nonce or X-JIT-Signature");
    }
    long requestTime;
    try {
      requestTime = Long.parseLong(ts.trim());
    } catch (NumberFormatException e) {
      return unauthorized(ex, "stale_timestamp", "X-JIT-Timestamp must be Unix seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - requestTime) > SKEW.toSeconds()) {
      return unauthorized(ex, "stale_timestamp", "timestamp outside the accepted window of ±" + SKEW.toSeconds() + " s");
    }
    if (!JitSignature.verify(secrets, keyId, ts.trim(), nonce, "POST", PATH, body, sig)) {
      return unauthorized(ex, "bad_signature", "signature does not match");
    }
    if (!nonces.firstUse(keyId, nonce, requestTime, now)) {
      return unauthorized(ex, "replayed_nonce", "nonce already used");
    }
    String source = "jit-webhook:" + keyId;
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      parsed = null;
    }
    List<NormalizeResult> results = new ArrayList<>();
    if (parsed == null || !parsed.isObject()) {
      results.add(new NormalizeResult.Rejected(source, 1, null,
          "JIT controller webhook notification: the body is not a JSON object", Secrets.redactRaw(body)));
    } else {
      formats.webhook(parsed, Instant.ofEpochSecond(requestTime), SourceRef.of(source, 1), results::add);
    }
    long accepted = results.stream().filter(r -> r instanceof NormalizeResult.Normalized).count();
    List<NormalizeResult.Rejected> rejected = results.stream()
        .filter(r -> r instanceof NormalizeResult.Rejected).map(r -> (NormalizeResult.Rejected) r).toList();
    try {
      ProduceReport report = producer.produceAsync(results).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
      metrics.eventsIn(SOURCE, accepted);
      if (!rejected.isEmpty()) {
        metrics.rejected(SOURCE, "invalid_event", rejected.size());
      }
      if (accepted == 0) {
        return reply(ex, 400, error(rejected.isEmpty() ? "no event" : rejected.get(0).reason()));
      }
      return reply(ex, 200, Json.MAPPER.createObjectNode().put("accepted", report.producedTotal()));
    } catch (TimeoutException | ExecutionException e) {
      metrics.rejected(SOURCE, "kafka_unavailable", 1);
      return reply(ex, 503, error("Kafka did not acknowledge the notification; retry"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return reply(ex, 503, error("shutting down"));
    }
  }

  private int unauthorized(HttpExchange ex, String reason, String message) throws IOException {
    metrics.rejected(SOURCE, reason, 1);
    return reply(ex, 401, error("authentication failed: " + message));
  }
}
