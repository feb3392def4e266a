package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.sinks.kibana.KibanaSavedObjects;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glasswatch kibana import} against a local HTTP receiver that checks the request the way the
 * Kibana saved objects import API expects it (www.elastic.co/guide/en/kibana/8.19/saved-objects-api-import.html):
 * {@code POST /api/saved_objects/_import?overwrite=true}, header {@code kbn-xsrf}, a
 * {@code multipart/form-data} body with one part {@code file} whose file name ends in {@code .ndjson}.
 */
class KibanaImportTest {
  private HttpServer server;
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String answer;
  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    if (!ex.getRequestMethod().equals("POST")) {
      problems.add("method " + ex.getRequestMethod());
    }
    if (!ex.getRequestURI().getPath().equals("/api/saved_objects/_import")) {
      problems.add("path " + ex.getRequestURI().getPath());
    }
    if (!"overwrite=true".equals(ex.getRequestURI().getQuery())) {
      problems.add("query " + ex.getRequestURI().getQuery());
    }
    if (!"true".equals(ex.getRequestHeaders().getFirst("kbn-xsrf"))) {
      problems.add("no kbn-xsrf header");
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !new String(Base64.getDecoder().decode(auth.substring("Basic ".length())), StandardCharsets.UTF_8)
        .equals("investigator:s3cret")) {
      problems.add("authorization " + auth);
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    Matcher b = Pattern.compile("multipart/form-data; boundary=(\\S+)").matcher(type == null ? "" : type);
    if (!b.matches()) {
      problems.add("content type " + type);
    } else {
      String text = new String(body, StandardCharsets.UTF_8);
      String delimiter = "--" + b.group(1);
      if (!text.startsWith(delimiter + "\r\n") || !text.endsWith("\r\n" + delimiter + "--\r\n")) {
        problems.add("body is not delimited by the boundary");
      } else {
        String part = text.substring(delimiter.length() + 2, text.length() - delimiter.length() - 6);
        int split = part.indexOf("\r\n\r\n");
        String headers = part.substring(0, split);
        if (!headers.matches("(?s)Content-Disposition: form-data; name=\"file\"; filename=\"[^\"]+\\.ndjson\".*")) {
          problems.add("part headers " + headers);
        }
        received.add(part.substring(split + 4));
      }
    }
    byte[] out = (answer != null ? answer
        : "{\"success\":true,\"successCount\":" + KibanaSavedObjects.parse(KibanaSavedObjects.ndjson()).size()
            + ",\"successResults\":[]}").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  private record Run(int status, String out, String err) {}

  private Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--set", "stack.dir=" + dir, "--set", "elasticsearch.admin.username=investigator",
          "--set", "elasticsearch.admin.password=s3cret"));
      int status = GlasswatchCli.execute(all.toArray(String[]::new));
      return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void postsTheSavedObjectsAsAMultipartNdjsonFileWithOverwrite() {
    Run r = run("kibana", "import", "--url", url() + "/");
    assertThat(problems).isEmpty();
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(received).singleElement().satisfies(ndjson -> {
      assertThat(ndjson).isEqualTo(KibanaSavedObjects.ndjson());
      assertThat(KibanaSavedObjects.parse(ndjson)).hasSize(14);
    });
    assertThat(r.out()).contains("imported 14 saved objects");
    assertThat(r.out() + r.err()).doesNotContain("s3cret");
  }

  @Test
  void failsWithKibanasReasonWhenObjectsAreRefused() {
    answer = "{\"success\":false,\"successCount\":12,\"errors\":[{\"id\":\"glasswatch-requests\",\"type\":\"lens\","
        + "\"error\":{\"type\":\"missing_references\"}}]}";
    Run r = run("kibana", "import", "--url", url());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("refused 1").contains("lens/glasswatch-requests: missing_references");
  }

  @Test
  void failsOnAnHttpErrorAndWhenKibanaIsUnreachable() throws IOException {
    status = 401;
    answer = "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"[security_exception] unable to authenticate\"}";
    Run r = run("kibana", "import", "--url", url());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("401").contains("unable to authenticate");

    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    Run unreachable = run("kibana", "import", "--url", "http://127.0.0.1:" + dead, "--timeout", "5");
    assertThat(unreachable.status()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach Kibana");
  }

  @Test
  void exportsTheSameNdjson() throws IOException {
    Path out = dir.resolve("objects.ndjson");
    assertThat(GlasswatchCli.execute("kibana", "export", "--out", out.toString())).isZero();
    assertThat(Files.readString(out)).isEqualTo(KibanaSavedObjects.ndjson());
  }
}
