package io.glasswatch.producers.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.SourceRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Property-based fuzzing of the input readers ({@link InputReader}, {@link Normalizer}): random and
 * mutated CloudTrail records, GuardDuty findings and gateway events (fields dropped, values of the
 * wrong type, huge strings, deep nesting, control characters), written as JSON lines, CloudTrail log
 * files or gzip, then truncated, corrupted with random bytes, invalid UTF-8 or a byte-order mark.
 *
 * <p>Properties: no exception escapes; every line of a JSON-lines file gives exactly one result (an
 * event, or a rejection naming file, line and reason); every element of a log file before any damage
 * gives one result; damage gives one more rejection; no secret reaches a rejection. The counts of
 * the run (cases, values, rejected, crashed) are printed at the end.
 */
class InputFuzzTest {
  private static final String SECRET = "s3cr3t-Fuzz-Value";
  private static final String CLOUDTRAIL = """
      {"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333",
      "arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","sessionContext":{"attributes":
      {"mfaAuthenticated":"false","creationDate":"2024-05-01T12:00:00Z"}}},"eventTime":"2024-05-01T12:00:00Z",
      "eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",
      "sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0","requestParameters":null,
      "responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},
      "eventID":"ev-1","readOnly":false,"eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}""";
  private static final String GUARDDUTY = """
      {"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","id":"f-1",
      "type":"Policy:IAMUser/RootCredentialUsage","resource":{"resourceType":"AccessKey",
      "accessKeyDetails":{"accessKeyId":"ASIAEXAMPLE","userName":"Root","userType":"Root"}},
      "service":{"eventFirstSeen":"2024-05-01T12:00:00Z","eventLastSeen":"2024-05-01T12:05:00Z",
      "action":{"awsApiCallAction":{"api":"ListPolicyVersions","serviceName":"iam.amazonaws.com"}},
      "additionalInfo":{"sample":false}},"severity":2,"createdAt":"2024-05-01T12:06:00Z",
      "updatedAt":"2024-05-01T12:07:00Z","title":"t"}""";
  private static final String[] GATEWAY = {"""
      {"type":"request","requestId":"req-1","subject":"alice@example.com","justification":"outage",
      "ticketId":"INC-42","accountId":"111122223333","timestamp":"2024-05-01T12:00:00Z"}""", """
      {"type":"approval","requestId":"req-1","approver":"bob","approverAcr":"loa2","approverRole":"security",
      "timestamp":"2024-05-01T12:01:00Z"}""", """
      {"type":"grant","requestId":"req-1","tokenId":"tok-1","expiresAt":"2024-05-01T13:00:00Z",
      "timestamp":"2024-05-01T12:02:00Z","assignment":{"instanceArn":"arn:aws:sso:::instance/ssoins-1",
      "accountId":"111122223333","permissionSetArn":"arn:aws:sso:::permissionSet/ssoins-1/ps-1",
      "principalType":"USER","principalId":"p-1"}}""", """
      {"type":"usage","requestId":"req-1","tokenId":"tok-1","subject":"alice@example.com","resource":"db/prod",
      "action":"read","outcome":"ALLOW","timestamp":"2024-05-01T12:03:00Z"}""", """
      {"type":"expiry","requestId":"req-1","reason":"ttl_elapsed","timestamp":"2024-05-01T13:00:00Z"}"""};

  private static final AtomicLong CASES = new AtomicLong();
  private static final AtomicLong VALUES = new AtomicLong();
  private static final AtomicLong NORMALIZED = new AtomicLong();
  private static final AtomicLong REJECTED = new AtomicLong();
  private static final AtomicLong KEPT_WITH_ERRORS = new AtomicLong();
  private static final AtomicLong CRASHED = new AtomicLong();

  private final InputReader reader = new InputReader(new Normalizer(), 256 << 10);

  /** One generated input file and what reading it must give. */
  record Case(String kind, byte[] content, int lines, boolean damaged, long seed) {
    @Override
    public String toString() {
      return kind + " (" + content.length + " bytes, " + lines + " values, damaged " + damaged + ", seed " + seed + ")";
    }
  }

  @Provide
  Arbitrary<Case> jsonLines() {
    return Arbitraries.longs().map(InputFuzzTest::jsonLinesCase);
  }

  static Case jsonLinesCase(long seed) {
    {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(12);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        sb.append(line(r)).append(r.nextInt(5) == 0 ? "\r\n" : "\n");
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (r.nextInt(4) == 0) {
        bytes = invalidUtf8(bytes, r);
      }
      return new Case("json-lines", bytes, n, false, seed);
    }
  }

  @Provide
  Arbitrary<Case> logFiles() {
    return Arbitraries.longs().map(seed -> {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(20);
      StringBuilder sb = new StringBuilder(r.nextBoolean() ? "{\"Records\":[" : "{\"Records\" : [\n");
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : ",").append(Json.compact(mutate(parse(CLOUDTRAIL), r, 0)));
      }
      sb.append("]}");
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      boolean gzip = r.nextBoolean();
      boolean damaged = false;
      if (gzip) {
        bytes = gzip(bytes);
        if (r.nextInt(3) == 0) {
          bytes = Arrays.copyOf(bytes, Math.max(10, r.nextInt(bytes.length)));
          damaged = true;
        }
      } else if (r.nextInt(3) == 0) {
        bytes = Arrays.copyOf(bytes, r.nextInt(bytes.length));
        damaged = true;
      }
      return new Case(gzip ? "log-file.gz" : "log-file", bytes, n, damaged, seed);
    });
  }

  @Provide
  Arbitrary<Case> garbage() {
    return Arbitraries.longs().map(seed -> {
      Random r = new Random(seed);
      byte[] b = new byte[r.nextInt(4096)];
      r.nextBytes(b);
      if (r.nextBoolean()) {
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) "{}[]\",:0123456789.eE-+ \n\tabcnulltruefalse\\u".charAt(Math.floorMod(b[i], 43));
        }
      }
      return new Case(r.nextBoolean() ? "garbage" : "garbage.gz", b, -1, true, seed);
    });
  }

  @Property(tries = 300)
  void everyLineOfAJsonLinesFileGivesExactlyOneResultAndNothingEscapes(@ForAll("jsonLines") Case c) throws IOException {
    List<NormalizeResult> results = read(c, "in.jsonl");
    Map<Long, Integer> perLine = new HashMap<>();
    for (NormalizeResult res : results) {
      perLine.merge(lineOf(res), 1, Integer::sum);
    }
    for (long line = 1; line <= c.lines(); line++) {
      assertThat(perLine.getOrDefault(line, 0)).as("results at line %d of %s", line, c).isEqualTo(1);
    }
    assertThat(results).as("results of %s", c).hasSize(c.lines());
  }

  @Property(tries = 300)
  void everyRecordOfALogFileBeforeTheDamageGivesOneResult(@ForAll("logFiles") Case c) throws IOException {
    List<NormalizeResult> results = read(c, "log.json");
    if (!c.damaged()) {
      assertThat(results).as("results of %s", c).hasSize(c.lines());
      for (int i = 0; i < results.size(); i++) {
        NormalizeResult res = results.get(i);
        if (res instanceof NormalizeResult.Normalized n) {
          assertThat(n.origin()).endsWith("#" + i);
        }
      }
    } else {
      assertThat(results).as("results of %s", c).isNotEmpty().hasSizeLessThanOrEqualTo(c.lines() + 1);
      assertThat(results.get(results.size() - 1)).isInstanceOf(NormalizeResult.Rejected.class);
    }
  }

  @Property(tries = 300)
  void randomBytesAreRejectedWithReasonsNeverThrown(@ForAll("garbage") Case c) throws IOException {
    List<NormalizeResult> results = read(c, "junk");
    assertThat(results).allSatisfy(res -> {
      if (res instanceof NormalizeResult.Rejected x) {
        assertThat(x.reason()).isNotBlank();
        assertThat(x.line()).isNotNegative();
      }
    });
  }

  @Property(tries = 300)
  void anyJsonValueNormalizesOrIsRejectedWithoutAnException(@ForAll("anyValue") String json) {
    CASES.incrementAndGet();
    try {
      List<NormalizeResult> out = new Normalizer().normalizeJson(json, SourceRef.of("fuzz", 1));
      count(out);
      if (!json.startsWith("[")) {
        assertThat(out).as("results of %s", json.length() > 200 ? json.substring(0, 200) : json).isNotEmpty();
      }
    } catch (RuntimeException | StackOverflowError e) {
      CRASHED.incrementAndGet();
      throw e;
    }
  }

  @Provide
  Arbitrary<String> anyValue() {
    return Arbitraries.longs().map(seed -> {
      Random r = new Random(seed);
      JsonNode base = parse(r.nextBoolean() ? CLOUDTRAIL : r.nextBoolean() ? GUARDDUTY : GATEWAY[r.nextInt(5)]);
      JsonNode v = r.nextInt(5) == 0 ? randomValue(r, 0) : mutate(base, r, 0);
      if (r.nextInt(6) == 0) {
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.put("detail-type", r.nextBoolean() ? "AWS API Call via CloudTrail" : "GuardDuty Finding");
        env.set("detail", v);
        v = env;
      }
      return Json.compact(v);
    });
  }

  @AfterContainer
  static void report() {
    System.out.printf("input fuzz: %d cases, %d values, %d normalized (%d kept with validation errors),"
            + " %d rejected, %d crashed%n", CASES.get(), VALUES.get(), NORMALIZED.get(), KEPT_WITH_ERRORS.get(),
        REJECTED.get(), CRASHED.get());
  }

  private List<NormalizeResult> read(Case c, String name) throws IOException {
    CASES.incrementAndGet();
    Path dir = Files.createTempDirectory("glasswatch-fuzz");
    Path f = dir.resolve(name);
    try {
      Files.write(f, c.kind().endsWith(".gz") && c.lines() < 0 ? gzip(c.content()) : c.content());
      List<NormalizeResult> results = new ArrayList<>();
      try {
        reader.read(List.of(f), results::add);
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        CRASHED.incrementAndGet();
        throw new AssertionError("reading " + c + " threw", e);
      }
      count(results);
      for (NormalizeResult res : results) {
        if (res instanceof NormalizeResult.Rejected x) {
          assertThat(x.file()).isEqualTo(f.toString());
          assertThat(x.rawText()).doesNotContain(SECRET);
          assertThat(x.reason()).doesNotContain(SECRET);
        }
      }
      return results;
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    }
  }

  private static void count(List<NormalizeResult> results) {
    for (NormalizeResult res : results) {
      VALUES.incrementAndGet();
      switch (res) {
        case NormalizeResult.Normalized n -> {
          NORMALIZED.incrementAndGet();
          if (!n.validationReports().isEmpty()) {
            KEPT_WITH_ERRORS.incrementAndGet();
          }
        }
        case NormalizeResult.Rejected x -> REJECTED.incrementAndGet();
        case NormalizeResult.Skipped s -> { }
      }
    }
  }

  private static long lineOf(NormalizeResult res) {
    return switch (res) {
      case NormalizeResult.Normalized n -> Long.parseLong(n.origin().substring(n.origin().lastIndexOf(':') + 1));
      case NormalizeResult.Rejected x -> x.line();
      case NormalizeResult.Skipped s -> Long.parseLong(s.origin().substring(s.origin().lastIndexOf(':') + 1));
    };
  }

  /** One line: a mutated record, possibly cut short or salted, never starting where a value cannot. */
  private static String line(Random r) {
    String base = switch (r.nextInt(3)) {
      case 0 -> CLOUDTRAIL;
      case 1 -> GUARDDUTY;
      default -> GATEWAY[r.nextInt(GATEWAY.length)];
    };
    String s = Json.compact(mutate(parse(base), r, 0));
    switch (r.nextInt(8)) {
      case 0 -> s = s.substring(0, r.nextInt(s.length()));
      case 1 -> {
        int at = r.nextInt(s.length());
        s = s.substring(0, at) + (char) r.nextInt(0x3000) + s.substring(at);
      }
      case 2 -> s = "\uFEFF" + s;
      case 3 -> {
        int depth = r.nextInt(5000);
        s = "{\"eventName\":" + "[{\"a\":".repeat(depth) + "1" + "}]".repeat(depth) + "}";
      }
      default -> { }
    }
    s = s.replace('\n', ' ').replace('\r', ' ');
    if (s.isBlank() || " \t}],".indexOf(s.charAt(0)) >= 0) {
      s = "x" + s;
    }
    return s;
  }

  /** A copy of {@code node} with random fields dropped, retyped, enlarged, nested or given a secret. */
  private static JsonNode mutate(JsonNode node, Random r, int depth) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int dice = r.nextInt(100);
      if (dice < 4) {
        continue; // dropped
      } else if (dice < 10) {
        out.set(e.getKey(), randomValue(r, depth)); // wrong type
      } else if (dice < 12) {
        out.put(e.getKey(), "k".repeat(r.nextInt(200_000))); // huge string
      } else if (dice < 13) {
        out.set(e.getKey(), deep(r.nextInt(900))); // the writer's depth limit is 1000; deeper text: line()
      } else if (dice < 14 && e.getValue().isTextual()) {
        out.put(e.getKey(), e.getValue().asText().toUpperCase() + "\u0000\u001f\uD83D\uDE00");
      } else {
        out.set(e.getKey(), depth < 3 ? mutate(e.getValue(), r, depth + 1) : e.getValue());
      }
    }
    if (r.nextInt(10) == 0) {
      out.put("clientSecret", SECRET);
    }
    return out;
  }

  private static JsonNode randomValue(Random r, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (r.nextInt(depth > 2 ? 6 : 8)) {
      case 0 -> f.nullNode();
      case 1 -> f.numberNode(r.nextLong());
      case 2 -> f.numberNode(r.nextDouble() * 1e300);
      case 3 -> f.booleanNode(r.nextBoolean());
      case 4 -> f.textNode(Long.toString(r.nextLong(), 36));
      case 5 -> f.textNode(r.nextBoolean() ? "+292278994-08-17T07:12:55Z" : "1969-07-20T20:17:40Z");
      case 6 -> {
        var a = f.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(randomValue(r, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = f.objectNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          o.set("k" + r.nextInt(100), randomValue(r, depth + 1));
        }
        yield o;
      }
    };
  }

  private static JsonNode deep(int levels) {
    JsonNode n = JsonNodeFactory.instance.textNode("bottom");
    for (int i = 0; i < levels; i++) {
      n = i % 2 == 0 ? JsonNodeFactory.instance.arrayNode().add(n) : JsonNodeFactory.instance.objectNode().set("d", n);
    }
    return n;
  }

  private static byte[] invalidUtf8(byte[] b, Random r) {
    byte[] out = b.clone();
    for (int i = r.nextInt(3) + 1; i > 0 && out.length > 0; i--) {
      int at = r.nextInt(out.length);
      if (out[at] != '\n') {
        out[at] = (byte) (0x80 | r.nextInt(0x7f));
      }
    }
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
