package io.glasswatch.alerts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A JSON receiver on 127.0.0.1 (JDK HttpServer) standing in for PagerDuty, Slack or Mattermost:
 * records every request body and {@code Idempotency-Key}, answers from a script (queued statuses,
 * then the default status), and can hang. {@link #uniqueKeys()} is what a receiver that
 * deduplicates by key keeps.
 */
public final class JsonReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received request. */
  public record Received(String path, String idempotencyKey, String body, long atNanos) {
    /** @return the body parsed as JSON */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private record Scripted(int status, Map<String, String> headers, boolean hang) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConcurrentLinkedDeque<Scripted> script = new ConcurrentLinkedDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final int defaultStatus;
  private final String okBody;
  private volatile boolean hangAlways;

  /**
   * Starts a receiver.
   *
   * @param defaultStatus status after the script, e.g. 202 for PagerDuty, 200 for Slack
   * @param okBody body of that default answer
   */
  public JsonReceiver(int defaultStatus, String okBody) throws IOException {
    this.defaultStatus = defaultStatus;
    this.okBody = okBody;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** @return the URL with {@code path} */
  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** Queues a status with headers. */
  public JsonReceiver then(int status, Map<String, String> headers) {
    script.add(new Scripted(status, headers, false));
    return this;
  }

  /** Queues a request that is never answered. */
  public JsonReceiver thenHang() {
    script.add(new Scripted(0, Map.of(), true));
    return this;
  }

  /** Never answers from now on. */
  public JsonReceiver hangAlways() {
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
    String body;
    try (InputStream in = ex.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Idempotency-Key"), body,
        System.nanoTime()));
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
    int status = s == null ? defaultStatus : s.status();
    if (s != null) {
      s.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    }
    byte[] out = (status < 300 ? okBody : "error " + status).getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
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
