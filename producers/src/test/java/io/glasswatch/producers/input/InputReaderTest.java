package io.glasswatch.producers.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.core.Secrets;
import io.glasswatch.schema.GatewayEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputReaderTest {
  private static final String TOKEN = "tok_live_Zx81kPq0Wm";

  @TempDir
  Path dir;

  private final InputReader reader = new InputReader();

  static String expiry(String requestId, int minute) {
    return "{\"type\":\"expiry\",\"requestId\":\"" + requestId + "\",\"reason\":\"revoked\",\"timestamp\":\"2024-05-01T12:"
        + String.format("%02d", minute) + ":00Z\"}";
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private Path gzip(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(content.getBytes(StandardCharsets.UTF_8));
    }
    Files.write(p, bytes.toByteArray());
    return p;
  }

  private static List<String> originsOf(List<NormalizeResult> results) {
    return results.stream().map(r -> switch (r) {
      case NormalizeResult.Normalized n -> n.origin();
      case NormalizeResult.Rejected x -> "REJECTED " + x.file().substring(x.file().lastIndexOf('/') + 1) + ":" + x.line();
      case NormalizeResult.Skipped s -> "SKIPPED " + s.origin();
    }).map(s -> s.replace(s.contains("/") ? s.substring(0, s.lastIndexOf('/') + 1) : "", "")).toList();
  }

  @Test
  void readsJsonLinesSkippingEmptyLinesAndReportingLineNumbers() throws IOException {
    Path f = write("events.jsonl", expiry("r1", 1) + "\n\n   \n" + expiry("r2", 2) + "\r\n" + expiry("r3", 3));
    List<NormalizeResult> r = reader.readAll(List.of(f));
    assertThat(originsOf(r)).containsExactly("events.jsonl:1", "events.jsonl:4", "events.jsonl:5");
  }

  @Test
  void keepsReadingAfterAMalformedLineInTheMiddle() throws IOException {
    String content = String.join("\n",
        expiry("r1", 1),
        "{\"type\":\"expiry\",\"requestId\":\"r2\",\"reason\":",
        "not json at all",
        expiry("r4", 4),
        "{\"type\":\"expiry\" \"requestId\":\"r5\"}",
        expiry("r6", 6));
    Path f = write("mixed.jsonl", content);
    List<NormalizeResult> r = reader.readAll(List.of(f));
    assertThat(originsOf(r)).containsExactly("mixed.jsonl:1", "REJECTED mixed.jsonl:2", "REJECTED mixed.jsonl:3",
        "mixed.jsonl:4", "REJECTED mixed.jsonl:5", "mixed.jsonl:6");
    NormalizeResult.Rejected unterminated = (NormalizeResult.Rejected) r.get(1);
    assertThat(unterminated.file()).isEqualTo(f.toString());
    assertThat(unterminated.reason()).isEqualTo("invalid JSON at line 2: the value is incomplete (line 3 starts a new value)");
    assertThat(unterminated.rawText()).isEqualTo("{\"type\":\"expiry\",\"requestId\":\"r2\",\"reason\":");
    assertThat(unterminated.field()).isNull();
    NormalizeResult.Rejected garbage = (NormalizeResult.Rejected) r.get(2);
    assertThat(garbage.reason()).startsWith("invalid JSON at line 3, column ").doesNotContain("not json");
    assertThat(garbage.rawText()).isEqualTo("not json at all");
    NormalizeResult.Rejected missingComma = (NormalizeResult.Rejected) r.get(4);
    assertThat(missingComma.reason()).startsWith("invalid JSON at line 5, column ");
  }

  @Test
  void readsPrettyPrintedDocumentsAndArraysWithTheirStartLines() throws IOException {
    String pretty = """
        {
          "type": "expiry",
          "requestId": "r1",
          "reason": "consumed",
          "timestamp": "2024-05-01T12:00:00Z"
        }
        [
          %s,

          %s
        ]
        """.formatted(expiry("r2", 2), expiry("r3", 3).replace(",", ",\n    "));
    Path f = write("docs.json", pretty);
    List<NormalizeResult> r = reader.readAll(List.of(f));
    assertThat(originsOf(r)).containsExactly("docs.json:1", "docs.json:8#0", "docs.json:10#1");
  }

  @Test
  void skipsTheRestOfABrokenPrettyDocumentAndResumesAtTheNextOne() throws IOException {
    String content = """
        {
          "type": "expiry",
          "requestId": "r1"
          "reason": "consumed"
        }
        %s
        """.formatted(expiry("r2", 2));
    Path f = write("broken.json", content);
    List<NormalizeResult> r = reader.readAll(List.of(f));
    assertThat(originsOf(r)).containsExactly("REJECTED broken.json:1", "broken.json:6");
    NormalizeResult.Rejected rej = (NormalizeResult.Rejected) r.get(0);
    assertThat(rej.reason()).startsWith("invalid JSON at line 4, column ").endsWith("(lines 1-5 skipped)");
    assertThat(rej.rawText()).startsWith("{").endsWith("}");
  }

  @Test
  void readsGzipFilesTransparentlyWhateverTheirName() throws IOException {
    Path a = gzip("a.jsonl.gz", expiry("r1", 1) + "\n" + expiry("r2", 2) + "\n");
    Path b = gzip("b.json", "[" + expiry("r3", 3) + "]");
    List<NormalizeResult> r = reader.readAll(List.of(a, b));
    assertThat(originsOf(r)).containsExactly("a.jsonl.gz:1", "a.jsonl.gz:2", "b.json:1#0");
  }

  @Test
  void reportsATruncatedGzipFileAfterReadingWhatSurvived() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append(expiry("request-" + i, i % 60)).append('\n');
    }
    Path whole = gzip("whole.jsonl.gz", sb.toString());
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
    List<NormalizeResult> r = reader.readAll(List.of(cut));
    List<NormalizeResult.Normalized> events = r.stream()
        .filter(NormalizeResult.Normalized.class::isInstance).map(NormalizeResult.Normalized.class::cast).toList();
    List<NormalizeResult.Rejected> rejected = r.stream()
        .filter(NormalizeResult.Rejected.class::isInstance).map(NormalizeResult.Rejected.class::cast).toList();
    assertThat(events).hasSizeGreaterThan(100).hasSizeLessThan(2000);
    for (int i = 0; i < events.size(); i++) {
      assertThat(((GatewayEvent) events.get(i).value()).getRequestId()).isEqualTo("request-" + i);
    }
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).reason()).contains("truncated GZIP file");
    assertThat(rejected.get(0).line()).isGreaterThan(events.size());
    assertThat(r.get(r.size() - 1)).isSameAs(rejected.get(0));
  }

  @Test
  void walksDirectoriesRecursivelyInPathOrderSkippingHiddenFiles() throws IOException {
    write("z/late.jsonl", expiry("z", 1));
    write("a/b/deep.jsonl", expiry("deep", 1));
    write("a/early.jsonl", expiry("early", 1));
    write("a/.hidden.jsonl", "garbage");
    write(".git/config", "garbage");
    assertThat(InputReader.files(List.of(dir))).extracting(p -> dir.relativize(p).toString())
        .containsExactly("a/b/deep.jsonl", "a/early.jsonl", "z/late.jsonl");
    List<String> ids = new ArrayList<>();
    reader.read(List.of(dir), res -> ids.add(((GatewayEvent) ((NormalizeResult.Normalized) res).value()).getRequestId()));
    assertThat(ids).containsExactly("deep", "early", "z");
  }

  @Test
  void reportsAMissingFileAsARejectionAndGoesOn() throws IOException {
    Path ok = write("ok.jsonl", expiry("r1", 1));
    List<NormalizeResult> r = reader.readAll(List.of(dir.resolve("nope.jsonl"), ok));
    assertThat(r).hasSize(2);
    NormalizeResult.Rejected missing = (NormalizeResult.Rejected) r.get(0);
    assertThat(missing.line()).isZero();
    assertThat(missing.reason()).isEqualTo("cannot read: no such file or directory");
    assertThat(r.get(1)).isInstanceOf(NormalizeResult.Normalized.class);
  }

  @Test
  void followsSymbolicLinksAndReportsBrokenOnes() throws IOException {
    Path target = write("elsewhere/real.jsonl", expiry("linked", 1));
    Files.createDirectories(dir.resolve("in"));
    Files.createSymbolicLink(dir.resolve("in/link.jsonl"), target);
    Files.createSymbolicLink(dir.resolve("in/broken.jsonl"), dir.resolve("gone.jsonl"));
    List<NormalizeResult> r = reader.readAll(List.of(dir.resolve("in")));
    assertThat(r).hasSize(2);
    NormalizeResult.Rejected broken = (NormalizeResult.Rejected) r.get(0);
    assertThat(broken.file()).endsWith("broken.jsonl");
    assertThat(broken.line()).isZero();
    assertThat(broken.reason()).isEqualTo("cannot read: broken symbolic link");
    assertThat(((GatewayEvent) ((NormalizeResult.Normalized) r.get(1)).value()).getRequestId()).isEqualTo("linked");
  }

  @Test
  void rejectsScalarsAndUnknownShapesAtTheirLines() throws IOException {
    Path f = write("odd.jsonl", "42\n\"text\"\n{\"hello\":\"world\"}\n[1]\n");
    List<NormalizeResult> r = reader.readAll(List.of(f));
    assertThat(originsOf(r)).containsExactly("REJECTED odd.jsonl:1", "REJECTED odd.jsonl:2", "REJECTED odd.jsonl:3",
        "REJECTED odd.jsonl:4");
    assertThat(((NormalizeResult.Rejected) r.get(2)).reason()).startsWith("unrecognized input");
    assertThat(((NormalizeResult.Rejected) r.get(2)).rawText()).isEqualTo("{\"hello\":\"world\"}");
    assertThat(((NormalizeResult.Rejected) r.get(3)).reason()).isEqualTo("not a JSON object: got number '1'");
  }

  @Test
  void neverKeepsTheRawTokenOfAnUnparsableGatewayLine() throws IOException {
    String line = "{\"type\":\"grant\",\"requestId\":\"r1\",\"tokenId\":\"" + TOKEN + "\",\"expiresAt\": tomorrow}";
    String bareToken = "{\"type\":\"grant\",\"tokenId\": " + TOKEN + ", \"requestId\":\"r1\"}";
    Path f = write("grants.jsonl", line + "\n" + bareToken + "\n");
    List<NormalizeResult> r = reader.readAll(List.of(f));
    assertThat(r).hasSize(2).allSatisfy(x -> {
      NormalizeResult.Rejected rej = (NormalizeResult.Rejected) x;
      assertThat(rej.rawText()).doesNotContain(TOKEN).contains(Secrets.REDACTED);
      assertThat(rej.reason()).doesNotContain(TOKEN);
    });
  }

  @Test
  void handsEveryValueWithItsExactRawBytes() throws IOException {
    Path f = write("raw.jsonl", "  {\"a\": 1}  \n[ {\"b\" : 2} ,{\"c\":3}]");
    List<SourceValue> values = new ArrayList<>();
    reader.readValues(f, values::add, e -> { throw new AssertionError(e.toString()); });
    assertThat(values).extracting(v -> new String(v.raw(), StandardCharsets.UTF_8))
        .containsExactly("{\"a\": 1}", "{\"b\" : 2}", "{\"c\":3}");
    assertThat(values).extracting(v -> v.source().origin())
        .containsExactly(f + ":1", f + ":2#0", f + ":2#1");
  }
}
