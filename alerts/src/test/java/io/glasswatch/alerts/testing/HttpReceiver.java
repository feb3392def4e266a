package io.glasswatch.alerts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.alerts.oncall.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP receiver on 127.0.0.1 (JDK HttpServer) standing in for PagerDuty, Slack, Mattermost
 * ({@link #json}) or the signed on-call webhook ({@link #signed}, which checks every request with
 * {@link WebhookSignature#check} and answers 401 to a bad signature). It records every request,
 * answers from a script (queued answers in order, then the default answer) and can hang.
 * {@link #uniqueKeys()} is what a receiver that deduplicates by {@code Idempotency-Key} keeps.
 */
public final class HttpReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One received request.
   *
   * @param path request path
   * @param headers request headers, names in lower case
   * @param bytes the raw body
   * @param at arrival time
   * @param atNanos arrival, {@link System#nanoTime()}
   * @param verdict the signature check of a signed receiver, null for a JSON receiver
   */
  public record Received(String path, Map<String, String> headers, byte[] bytes, Instant at, long atNanos,
      WebhookSignature.Verdict verdict) {
    /** @return the header (case-insensitive name), or null */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** @return the {@code Idempotency-Key} header, or null */
    public String idempotencyKey() {
      return header("Idempotency-Key");
    }

    /** @return the body as UTF-8 text */
    public String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    /** @return the body as UTF-8 text */
    public String bodyText() {
      return body();
    }

    /** @return the body parsed as JSON */
    public JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body(), e);
      }
    }
  }

  private record Scripted(int status, Map<String, String> headers, String body, boolean hang) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConcurrentLinkedDeque<Scripted> script = new ConcurrentLinkedDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final int defaultStatus;
  private final String okBody;
  private final String secret;
  private final String path;
  private volatile boolean hangAlways;

  private HttpReceiver(int defaultStatus, String okBody, String secret, String path) throws IOException {
    this.defaultStatus = defaultStatus;
    this.okBody = okBody;
    this.secret = secret;
    this.path = path;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * A JSON receiver.
   *
   * @param defaultStatus status after the script, e.g. 202 for PagerDuty, 200 for Slack
   * @param okBody body of a 2xx answer
   * @return the started receiver
   */
  public static HttpReceiver json(int defaultStatus, String okBody) throws IOException {
    return new HttpReceiver(defaultStatus, okBody, null, "/");
  }

  /**
   * A signed-webhook receiver answering 200 with an empty body after the script.
   *
   * @param secret the shared HMAC secret
   * @param path the path of {@link #url()}, e.g. {@code /hooks/oncall}
   * @return the started receiver
   */
  public static HttpReceiver signed(String secret, String path) throws IOException {
    return new HttpReceiver(200, "", secret, path);
  }

  /** @return the URL of the receiver's path */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /**
   * @param pathOrQuery a path starting with {@code /}, else a query string appended to {@link #url()}
   * @return the URL
   */
  public URI url(String pathOrQuery) {
    return pathOrQuery.startsWith("/") ? URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathOrQuery)
        : URI.create(url() + "?" + pathOrQuery);
  }

  /** Queues an answer. */
  public HttpReceiver then(int status, Map<String, String> headers, String body) {
    script.add(new Scripted(status, headers, body, false));
    return this;
  }

  /** Queues an answer with the default body. */
  public HttpReceiver then(int status, Map<String, String> headers) {
    return then(status, headers, null);
  }

  /** Queues an answer with the default body and no headers. */
  public HttpReceiver then(int status) {
    return then(status, Map.of(), null);
  }

  /** Queues a request that is never answered (until {@link #close()}). */
  public HttpReceiver thenHang() {
    script.add(new Scripted(0, Map.of(), null, true));
    return this;
  }

  /** Never answers from now on. */
  public HttpReceiver hangAlways() {
    hangAlways = true;
    return this;
  }

  /** @return every request, in arrival order */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** @return the distinct idempotency keys received, in first-arrival order */
  public Set<String> uniqueKeys() {
    Set<String> s = new LinkedHashSet<>();
    received.forEach(r -> s.add(r.idempotencyKey()));
    return s;
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, String> headers = new HashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
    WebhookSignature.Verdict verdict = secret == null ? null : WebhookSignature.check(secret,
        headers.get(WebhookSignature.TIMESTAMP_HEADER.toLowerCase(Locale.ROOT)),
        headers.get(WebhookSignature.NONCE_HEADER.toLowerCase(Locale.ROOT)), body,
        headers.get(WebhookSignature.SIGNATURE_HEADER.toLowerCase(Locale.ROOT)), Instant.now(),
        WebhookSignature.DEFAULT_TOLERANCE);
    received.add(new Received(ex.getRequestURI().getPath(), Map.copyOf(headers), body, Instant.now(), System.nanoTime(),
        verdict));
    Scripted s = script.poll();
    if (hangAlways || (s != null && s.hang())) {
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    boolean badSignature = verdict != null && verdict != WebhookSignature.Verdict.VALID;
    int status = badSignature ? 401 : s == null ? defaultStatus : s.status();
    String text = badSignature ? "signature " + verdict
        : s != null && s.body() != null ? s.body() : status < 300 ? okBody : "error " + status;
    if (s != null) {
      s.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    }
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    }
    ex.close();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
