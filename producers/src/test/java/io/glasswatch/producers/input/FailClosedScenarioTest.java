package io.glasswatch.producers.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.schema.CloudTrailEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One scenario per defect found replaying real CloudTrail: no crash, no silent drop, bounded memory. */
class FailClosedScenarioTest {
  @TempDir
  Path dir;

  private final InputReader reader = new InputReader();

  static String record(String id, String time, String extra) {
    return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + time + "\","
        + "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"recipientAccountId\":\"111122223333\","
        + "\"userIdentity\":{\"type\":\"Root\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\"}"
        + extra + "}";
  }

  private Path gzip(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(p))) {
      gz.write(content);
    }
    return p;
  }

  private static List<NormalizeResult.Normalized> normalized(List<NormalizeResult> r) {
    return r.stream().filter(NormalizeResult.Normalized.class::isInstance).map(NormalizeResult.Normalized.class::cast)
        .toList();
  }

  private static List<NormalizeResult.Rejected> rejected(List<NormalizeResult> r) {
    return r.stream().filter(NormalizeResult.Rejected.class::isInstance).map(NormalizeResult.Rejected.class::cast)
        .toList();
  }

  @Test
  void aRejectedRecordHoldingAKeyPolicyOfAHundredThousandCharactersIsReportedNotACrash() throws IOException {
    String policy = "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[" + "{\\\"Sid\\\":\\\"x\\\"},".repeat(10_000) + "]}";
    Path f = Files.writeString(dir.resolve("kms.jsonl"),
        "{\"eventID\":\"k1\",\"eventName\":\"PutKeyPolicy\",\"requestParameters\":{\"policy\":\"" + policy + "\"}}\n"
            + record("ok", "2024-05-01T12:00:00Z", "") + "\n");
    List<NormalizeResult> r = reader.readAll(List.of(f));
    assertThat(rejected(r)).singleElement().satisfies(x -> {
      assertThat(x.line()).isEqualTo(1);
      assertThat(x.field()).isEqualTo("eventTime");
      assertThat(x.reason()).contains("missing required field eventTime");
    });
    assertThat(normalized(r)).hasSize(1);
  }

  @Test
  void aYearBeyondTheSupportedRangeIsRejectedNamingFileLineAndField() throws IOException {
    Path f = Files.writeString(dir.resolve("far.jsonl"), record("far", "+292278994-08-17T07:12:55Z", "") + "\n"
        + record("big", "+10000-01-01T00:00:00Z", "") + "\n");
    List<NormalizeResult.Rejected> r = rejected(reader.readAll(List.of(f)));
    assertThat(r).hasSize(2).allSatisfy(x -> {
      assertThat(x.field()).isEqualTo("eventTime");
      assertThat(x.reason()).contains("outside the supported range 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.998Z");
    });
    assertThat(r).extracting(NormalizeResult.Rejected::line).containsExactly(1L, 2L);
  }

  @Test
  void anEventTimeAtTheEndOfInputTickIsRejectedNamingFileLineAndField() throws IOException {
    // 9999-12-31T23:59:59.999Z is Topics.END_OF_INPUT_TIME: read as input it would end a replay early
    Path f = Files.writeString(dir.resolve("end.jsonl"), record("end", "9999-12-31T23:59:59.999Z", "") + "\n"
        + record("end-gd", "9999-12-31 23:59:59.999", "") + "\n"
        + record("last", "9999-12-31T23:59:59.998Z", "") + "\n");
    List<NormalizeResult> all = reader.readAll(List.of(f));
    assertThat(rejected(all)).hasSize(2).allSatisfy(x -> {
      assertThat(x.file()).endsWith("end.jsonl");
      assertThat(x.field()).isEqualTo("eventTime");
      assertThat(x.reason()).contains("9999-12-31").contains("outside the supported range");
    });
    assertThat(rejected(all)).extracting(NormalizeResult.Rejected::line).containsExactly(1L, 2L);
    assertThat(normalized(all)).as("the millisecond before is still an event time").singleElement()
        .satisfies(x -> assertThat(((CloudTrailEvent) x.value()).getEventTime())
            .isEqualTo(java.time.Instant.ofEpochMilli(io.glasswatch.schema.Topics.END_OF_INPUT_TIME - 1)));
  }

  @Test
  void anEventTimeBefore1970IsRejectedNotDropped() throws IOException {
    Path f = Files.writeString(dir.resolve("old.jsonl"), record("old", "1969-12-31T23:59:59Z", "") + "\n");
    assertThat(rejected(reader.readAll(List.of(f)))).singleElement().satisfies(x -> {
      assertThat(x.field()).isEqualTo("eventTime");
      assertThat(x.reason()).contains("'1969-12-31T23:59:59Z'").contains("outside the supported range");
    });
  }

  @Test
  void aRootSignInWhoseResponseElementsIsAStringIsKeptJudgedSuccessAndReported() throws IOException {
    Path f = Files.writeString(dir.resolve("root.jsonl"),
        record("r1", "2024-05-01T12:00:00Z", ",\"responseElements\":\"Success?\"") + "\n");
    List<NormalizeResult.Normalized> n = normalized(reader.readAll(List.of(f)));
    assertThat(n).singleElement().satisfies(x -> {
      CloudTrailEvent e = (CloudTrailEvent) x.value();
      assertThat(e.getUserIdentityType()).isEqualTo("Root");
      assertThat(e.getConsoleLogin()).isEqualTo("Success");
      assertThat(e.getValidationErrors()).extracting(CharSequence::toString).containsExactly(
          "responseElements: expected an object, got string",
          "responseElements.ConsoleLogin: sign-in outcome unreadable (responseElements unreadable); judged Success (fail closed)");
      assertThat(x.validationReports()).hasSize(2).allSatisfy(rep -> {
        assertThat(rep.file()).isEqualTo(f.toString());
        assertThat(rep.line()).isEqualTo(1);
        assertThat(rep.reason()).startsWith("cloudtrail: record kept, judged from what can be read: ");
      });
      assertThat(x.validationReports()).extracting(NormalizeResult.Rejected::field)
          .containsExactly("responseElements", "responseElements.ConsoleLogin");
    });
  }

  @Test
  void aStringHoldingTheResponseObjectIsReadFromTheString() throws IOException {
    Path f = Files.writeString(dir.resolve("str.jsonl"),
        record("r2", "2024-05-01T12:00:00Z", ",\"responseElements\":\"{\\\"ConsoleLogin\\\":\\\"Failure\\\"}\"") + "\n");
    CloudTrailEvent e = (CloudTrailEvent) normalized(reader.readAll(List.of(f))).get(0).value();
    assertThat(e.getConsoleLogin()).isEqualTo("Failure");
    assertThat(e.getValidationErrors()).hasSize(1);
  }

  @Test
  void aCleanRecordHasNoValidationErrors() throws IOException {
    Path f = Files.writeString(dir.resolve("clean.jsonl"),
        record("c", "2024-05-01T12:00:00Z", ",\"responseElements\":{\"ConsoleLogin\":\"Success\"}") + "\n");
    NormalizeResult.Normalized n = normalized(reader.readAll(List.of(f))).get(0);
    assertThat(((CloudTrailEvent) n.value()).getValidationErrors()).isEmpty();
    assertThat(n.validationReports()).isEmpty();
  }

  @Test
  void aTruncatedCloudTrailLogFileKeepsEveryCompleteRecordBeforeTheCut() throws IOException {
    StringBuilder sb = new StringBuilder("{\"Records\":[");
    for (int i = 0; i < 500; i++) {
      sb.append(i == 0 ? "" : ",").append(record("id-" + i, "2024-05-01T12:00:00Z",
          ",\"responseElements\":{\"ConsoleLogin\":\"Success\"},\"pad\":\"" + Integer.toHexString(i * 7919) + "\""));
    }
    sb.append("]}");
    Path whole = gzip("log.json.gz", sb.toString().getBytes(StandardCharsets.UTF_8));
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.json.gz"), Arrays.copyOf(bytes, bytes.length / 2));
    List<NormalizeResult> r = reader.readAll(List.of(cut));
    List<NormalizeResult.Normalized> kept = normalized(r);
    assertThat(kept).hasSizeGreaterThan(50).hasSizeLessThan(500);
    for (int i = 0; i < kept.size(); i++) {
      assertThat(((CloudTrailEvent) kept.get(i).value()).getEventID()).isEqualTo("id-" + i);
      assertThat(kept.get(i).origin()).endsWith("cut.json.gz:1#" + i);
    }
    assertThat(rejected(r)).singleElement().satisfies(x ->
        assertThat(x.reason()).contains("truncated GZIP file").contains("everything after this point is lost"));
  }

  @Test
  void sixtyFourMegabytesOfBlankLinesInASmallGzipAreReadInBoundedMemory() throws IOException {
    Path f = dir.resolve("blank.jsonl.gz");
    byte[] blank = new byte[1 << 20];
    Arrays.fill(blank, (byte) '\n');
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(f), 1 << 16)) {
      for (int i = 0; i < 64; i++) {
        gz.write(blank);
      }
      gz.write((record("last", "2024-05-01T12:00:00Z", "") + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Files.size(f)).isLessThan(1 << 20);
    InputReader small = new InputReader(new Normalizer(), 64 << 10);
    List<NormalizeResult> r = small.readAll(List.of(f));
    assertThat(normalized(r)).singleElement().satisfies(n -> assertThat(n.origin()).endsWith(":" + (64 * (1 << 20) + 1)));
    assertThat(rejected(r)).isEmpty();
  }

  @Test
  void aRecordAboveTheMaximumRecordSizeIsRejectedAndTheNextLineIsRead() throws IOException {
    Path f = Files.writeString(dir.resolve("huge.jsonl"),
        record("huge", "2024-05-01T12:00:00Z", ",\"blob\":\"" + "x".repeat(300_000) + "\"") + "\n"
            + record("after", "2024-05-01T12:00:01Z", "") + "\n");
    List<NormalizeResult> r = new InputReader(new Normalizer(), 100_000).readAll(List.of(f));
    assertThat(rejected(r)).singleElement().satisfies(x -> {
      assertThat(x.line()).isEqualTo(1);
      assertThat(x.reason()).startsWith("record too large: a value is larger than the maximum record size of 100000 bytes");
      assertThat(x.raw().length).isLessThanOrEqualTo(InputReader.MAX_RAW_BYTES);
    });
    assertThat(normalized(r)).singleElement().satisfies(n -> assertThat(n.origin()).endsWith("huge.jsonl:2"));
  }

  @Test
  void aUtf16FileIsRejectedSayingWhy() throws IOException {
    Path f = Files.write(dir.resolve("utf16.json"), record("u", "2024-05-01T12:00:00Z", "").getBytes(StandardCharsets.UTF_16));
    assertThat(reader.readAll(List.of(f))).singleElement().isInstanceOfSatisfying(NormalizeResult.Rejected.class,
        x -> assertThat(x.reason()).startsWith("not UTF-8 text"));
  }

  @Test
  void aGzipFileWithACorruptHeaderIsOneRejection() throws IOException {
    Path f = Files.write(dir.resolve("bad.gz"), new byte[] {0x1f, (byte) 0x8b, 0, 0, 0, 0});
    assertThat(reader.readAll(List.of(f))).singleElement().isInstanceOfSatisfying(NormalizeResult.Rejected.class,
        x -> assertThat(x.reason()).contains("GZIP"));
  }

  @Test
  void aRecordAboveTheMaximumSizeInsideALogFileIsSkippedAndTheRecordsAfterItAreRead() throws IOException {
    StringBuilder sb = new StringBuilder("{\"Records\":[");
    for (int i = 0; i < 5; i++) {
      String extra = i == 2 ? ",\"blob\":{\"a\":[\"" + "x\\\"]}".repeat(40_000) + "\"]}" : "";
      sb.append(i == 0 ? "" : ",").append(record("id-" + i, "2024-05-01T12:00:0" + i + "Z", extra));
    }
    sb.append("],\"Trailer\":1}");
    Path f = gzip("big-inside.json.gz", sb.toString().getBytes(StandardCharsets.UTF_8));
    List<NormalizeResult> r = new InputReader(new Normalizer(), 100_000).readAll(List.of(f));
    assertThat(rejected(r)).singleElement().satisfies(x -> {
      assertThat(x.field()).isEqualTo("Records[2]");
      assertThat(x.reason()).contains("record too large");
    });
    assertThat(normalized(r)).extracting(n -> ((CloudTrailEvent) n.value()).getEventID())
        .containsExactly("id-0", "id-1", "id-3", "id-4");
    assertThat(normalized(r)).extracting(NormalizeResult.Normalized::origin)
        .allSatisfy(o -> assertThat(o).contains("big-inside.json.gz:1#")).last().asString().endsWith("#4");
  }
}
