package io.glasswatch.alerts.testing;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on 127.0.0.1 (JDK HttpServer) that verifies every request's signature with
 * {@link WebhookSignature#check} and answers from a script: queued responses in order, then 200.
 * A request with a bad signature is answered 401.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One received request. */
  public record Received(Map<String, String> headers, byte[] body, Instant at, WebhookSignature.Verdict verdict) {
    /** @return the header (case-insensitive name), or null */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** @return the body as UTF-8 text */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private record Scripted(int status, Map<String, String> headers, String body, boolean hang) {}

  private final String secret;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConcurrentLinkedDeque<Scripted> script = new ConcurrentLinkedDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final String path;

  /**
   * Starts a receiver.
   *
   * @param secret the shared HMAC secret
   * @param path the path it serves, e.g. {@code /hooks/oncall}
   */
  public WebhookReceiver(String secret, String path) throws IOException {
    this.secret = secret;
    this.path = path;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** @return the URL of the receiver, optionally with a query string appended */
  public URI url(String query) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path + (query == null ? "" : "?" + query));
  }

  /** @return the URL of the receiver */
  public URI url() {
    return url(null);
  }

  /** Queues a response. */
  public WebhookReceiver then(int status, Map<String, String> headers, String body) {
    script.add(new Scripted(status, headers, body, false));
    return this;
  }

  /** Queues a response. */
  public WebhookReceiver then(int status) {
    return then(status, Map.of(), "");
  }

  /** Queues a request that is never answered (until {@link #close()}). */
  public WebhookReceiver thenHang() {
    script.add(new Scripted(0, Map.of(), "", true));
    return this;
  }

  /** @return every request received, in arrival order */
  public List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, String> headers = new HashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
    WebhookSignature.Verdict verdict = WebhookSignature.check(secret,
        headers.get(WebhookSignature.TIMESTAMP_HEADER.toLowerCase(Locale.ROOT)),
        headers.get(WebhookSignature.NONCE_HEADER.toLowerCase(Locale.ROOT)), body,
        headers.get(WebhookSignature.SIGNATURE_HEADER.toLowerCase(Locale.ROOT)), Instant.now(),
        WebhookSignature.DEFAULT_TOLERANCE);
    received.add(new Received(Map.copyOf(headers), body, Instant.now(), verdict));
    Scripted s = script.poll();
    if (s != null && s.hang()) {
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    int status = verdict != WebhookSignature.Verdict.VALID ? 401 : s == null ? 200 : s.status();
    String text = verdict != WebhookSignature.Verdict.VALID ? "signature " + verdict : s == null ? "" : s.body();
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
