package io.glasswatch.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness checks: TCP connect, HTTP status, Kafka describeCluster. All bounded by short timeouts. */
final class Probes {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1)
      .build();

  private Probes() {}

  /** Whether something accepts TCP connections on 127.0.0.1:{@code port} (300 ms timeout). */
  static boolean portAnswers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * HTTP GET status of {@code uri}, with basic authentication when {@code user} is not null.
   *
   * @return the status code, or -1 when no HTTP answer came within {@code timeout}
   */
  static int httpStatus(URI uri, String user, String password, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    if (user != null) {
      b.header("Authorization", basicAuth(user, password));
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** {@code Basic base64(user:password)} (RFC 7617). */
  static String basicAuth(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a Kafka cluster answers describeCluster at {@code bootstrap} within about 3 s. */
  static boolean kafkaReady(String bootstrap) {
    Properties p = new Properties();
    p.putAll(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000",
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "1000",
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "1000",
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500"));
    try (Admin admin = Admin.create(p)) {
      return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
          .nodes().get(4, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }
}
