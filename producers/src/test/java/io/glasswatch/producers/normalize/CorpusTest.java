package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.Secrets;

import io.glasswatch.producers.normalize.core.Timestamps;

import io.glasswatch.producers.normalize.core.SourceRef;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.input.InputReader;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every event of the shared evaluation corpus ({@code corpus/*.jsonl}, the {@code event} of each
 * row; see the corpus README for sources and licences) through the normalizer and pins down, per
 * {@code format}, what happens: which rows normalize, which are rejected and for which documented
 * reason, which are skipped.
 */
class CorpusTest {
  /** Documented rejection reasons: record fragments, placeholders, rule patterns, foreign shapes. */
  private static final List<Pattern> DOCUMENTED = List.of(
      Pattern.compile("((Records|Events)\\[\\d+\\]: |detail: )?cloudtrail: missing required field event(Time|Name|Source)"),
      Pattern.compile("((Records)\\[\\d+\\]: |detail: )?cloudtrail: invalid timestamp in field eventTime: '(\\.\\.\\.|redacted|eventTime)'.*"),
      Pattern.compile("unrecognized input: not a gateway event, CloudTrail record or GuardDuty finding \\(fields: .+\\)"),
      Pattern.compile("eventbridge: (an EventBridge rule pattern|envelope 'GuardDuty Finding' has (a placeholder|an empty) detail).*"));

  /** Per file: normalized, rejected, skipped. */
  private static final Map<String, long[]> EXPECTED = Map.of(
      "aws-docs-samples.jsonl", new long[] {62, 12, 2},
      "cloudsploit-guardduty.jsonl", new long[] {2, 0, 0},
      "elastic-integrations-cloudtrail.jsonl", new long[] {11, 0, 0},
      "panther-cloudtrail-background.jsonl", new long[] {344, 9, 0},
      "panther-cloudtrail.jsonl", new long[] {101, 7, 0},
      "panther-guardduty.jsonl", new long[] {8, 0, 0},
      "panther-scenario-compromised-root.jsonl", new long[] {16, 0, 0},
      "rules-index.jsonl", new long[] {0, 0, 0},
      "streamalert-cloudtrail.jsonl", new long[] {41, 17, 0});

  private static final Normalizer NORMALIZER = new Normalizer();
  private static List<Row> rows;

  /** One corpus row and what its event normalized to. */
  record Row(String file, int line, String format, JsonNode row, JsonNode event, List<NormalizeResult> results) {
    <T extends NormalizeResult> List<T> only(Class<T> type) {
      return results.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public String toString() {
      return file + ":" + line + " (" + format + ")";
    }
  }

  static Path corpusDir() {
    Path dir = Path.of(System.getProperty("glasswatch.corpus.dir", "../../shared/corpus"));
    assertThat(dir.resolve("README.md")).as("the shared corpus (set -Dglasswatch.corpus.dir)").exists();
    return dir;
  }

  @BeforeAll
  static void normalizeTheWholeCorpus() throws IOException {
    rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(corpusDir())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          JsonNode row = Json.MAPPER.readTree(lines.get(i));
          JsonNode event = row.get("event");
          String name = f.getFileName().toString();
          List<NormalizeResult> results = event == null || event.isNull()
              ? List.of() : NORMALIZER.normalize(event, SourceRef.of(name, i + 1), null);
          rows.add(new Row(name, i + 1, row.get("format").asText(), row, event, results));
        }
      }
    }
    assertThat(rows).hasSize(678);
  }

  private static List<Row> rows(Predicate<Row> p) {
    return rows.stream().filter(p).toList();
  }

  private static List<Row> format(String format) {
    List<Row> r = rows(x -> x.format.equals(format));
    assertThat(r).as("rows of format %s", format).isNotEmpty();
    return r;
  }

  @Test
  void everyEventNormalizesOrIsRejectedForADocumentedReason() {
    Map<String, long[]> actual = new TreeMap<>();
    for (Row r : rows) {
      long[] c = actual.computeIfAbsent(r.file, f -> new long[3]);
      if (r.event != null && !r.event.isNull()) {
        assertThat(r.results).as("%s yields something", r).isNotEmpty();
      }
      for (NormalizeResult res : r.results) {
        switch (res) {
          case NormalizeResult.Normalized n -> {
            c[0]++;
            assertThat(n.origin()).startsWith(r.file + ":" + r.line);
          }
          case NormalizeResult.Rejected x -> {
            c[1]++;
            assertThat(x.reason()).as("reason for %s", r)
                .satisfies(reason -> assertThat(DOCUMENTED).anyMatch(p -> p.matcher(reason).matches()));
            assertThat(x.line()).isEqualTo(r.line);
            assertThat(x.raw()).isNotEmpty();
          }
          case NormalizeResult.Skipped s -> c[2]++;
        }
      }
    }
    assertThat(actual).hasSameSizeAs(EXPECTED);
    actual.forEach((file, c) -> assertThat(c).as("normalized/rejected/skipped of %s", file).containsExactly(EXPECTED.get(file)));
  }

  @Test
  void backgroundEventsNormalizeUnlessTheyCarryNoEventTimeAtAll() {
    List<Row> background = rows(r -> r.file.equals("panther-cloudtrail-background.jsonl"));
    assertThat(background).hasSize(353);
    for (Row r : background) {
      assertThat(r.results).as("%s", r).hasSize(1);
      boolean hasTime = Json.has(r.event, "eventTime") || Json.has(r.event, "p_event_time");
      if (hasTime) {
        NormalizeResult.Normalized n = (NormalizeResult.Normalized) r.results.get(0);
        CloudTrailEvent e = (CloudTrailEvent) n.value();
        assertThat(e.getEventName()).isEqualTo(Json.textAt(r.event, "eventName"));
        assertThat(e.getEventSource()).isEqualTo(Json.textAt(r.event, "eventSource"));
      } else {
        assertThat(r.only(NormalizeResult.Rejected.class)).singleElement()
            .extracting(NormalizeResult.Rejected::reason).isEqualTo("cloudtrail: missing required field eventTime");
      }
    }
    assertThat(background.stream().filter(r -> r.results.get(0) instanceof NormalizeResult.Normalized)).hasSize(344);
  }

  @Test
  void lowerCaseKeyRowsNormalizeWithEveryCoreField() {
    List<Row> lower = format("cloudtrail-record-lowercase-keys");
    assertThat(lower).hasSize(8);
    for (Row r : lower) {
      CloudTrailEvent e = (CloudTrailEvent) r.only(NormalizeResult.Normalized.class).get(0).value();
      assertThat(e.getEventName()).isEqualTo(r.event.get("eventname").asText());
      assertThat(e.getEventSource()).isEqualTo(r.event.get("eventsource").asText());
      assertThat(e.getEventID()).isEqualTo(r.event.get("eventid").asText());
      assertThat(e.getEventTime()).isEqualTo(Timestamps.parseAws(r.event.get("eventtime").asText()));
      assertThat(e.getAwsRegion()).isEqualTo(r.event.get("awsregion").asText());
    }
  }

  @Test
  void cloudTrailRecordRowsKeepTheirIdsNamesAndTimes() {
    List<Row> records = format("cloudtrail-record");
    assertThat(records).hasSize(527);
    int normalized = 0;
    for (Row r : records) {
      assertThat(r.results).as("%s", r).hasSize(1);
      if (r.results.get(0) instanceof NormalizeResult.Normalized n) {
        normalized++;
        CloudTrailEvent e = (CloudTrailEvent) n.value();
        assertThat(n.topic()).isEqualTo(Topics.CLOUDTRAIL_EVENTS);
        assertThat(e.getEventName()).isEqualTo(Json.textAt(r.event, "eventName"));
        String id = Json.textAt(r.event, "eventID");
        assertThat(e.getEventID()).isEqualTo(id != null ? id : e.getEventID()).matches(id != null ? ".+" : "sha256:[0-9a-f]{32}");
        // the record is kept whole, but an STS response's session token never is (SPEC 4: no secrets)
        JsonNode response = Json.field(r.event, "responseElements");
        boolean issuesCredentials = response != null && Secrets.containsSecret(response);
        assertThat(e.getRecord()).isEqualTo(Json.compact(issuesCredentials ? Secrets.redact(r.event) : r.event));
        if (issuesCredentials) {
          assertThat(e.getRecord()).contains(Secrets.REDACTED).doesNotContain("<encoded session token blob>");
        }
        assertThat(n.key()).isEqualTo(e.getRecipientAccountId() == null ? "" : e.getRecipientAccountId());
        if (Json.has(r.event, "eventTime")) {
          assertThat(n.eventTime()).isEqualTo(Timestamps.parseAws(Json.field(r.event, "eventTime")));
        }
        String mfa = Json.textAt(r.event, "additionalEventData", "MFAUsed");
        assertThat(e.getMfaUsed()).isEqualTo(mfa == null ? null : mfa.toUpperCase(java.util.Locale.ROOT));
      }
    }
    assertThat(normalized).isEqualTo(527 - 16);
  }

  @Test
  void digestRowsAreSkipped() {
    List<Row> digests = format("cloudtrail-digest");
    assertThat(digests).hasSize(2).allSatisfy(r -> assertThat(r.results).containsExactly(
        new NormalizeResult.Skipped(NormalizeResult.Skipped.CLOUDTRAIL_DIGEST, r.file + ":" + r.line)));
  }

  @Test
  void lookupEventsRowsYieldTheirEmbeddedEvents() {
    List<Row> responses = format("lookupevents-response");
    assertThat(responses).hasSize(2);
    for (Row r : responses) {
      JsonNode events = r.event.get("Events");
      assertThat(r.results).hasSize(events.size());
      for (int i = 0; i < events.size(); i++) {
        NormalizeResult.Normalized n = (NormalizeResult.Normalized) r.results.get(i);
        CloudTrailEvent e = (CloudTrailEvent) n.value();
        assertThat(e.getEventID()).isEqualTo(events.get(i).get("EventId").asText());
        assertThat(e.getEventName()).isEqualTo(events.get(i).get("EventName").asText());
        assertThat(n.origin()).isEqualTo(r.file + ":" + r.line + "#" + i);
      }
    }
    CloudTrailEvent rootLogin = (CloudTrailEvent) ((NormalizeResult.Normalized) responses.get(0).results.get(0)).value();
    assertThat(rootLogin.getUserIdentityType()).isEqualTo("Root");
  }

  @Test
  void logFileRowsYieldEachRecord() {
    List<Row> files = format("s3-log-file-Records");
    assertThat(files).hasSize(52);
    int records = 0;
    for (Row r : files) {
      JsonNode recs = r.event.get("Records");
      assertThat(r.results).as("%s", r).hasSize(recs.size());
      records += recs.size();
      for (int i = 0; i < recs.size(); i++) {
        NormalizeResult res = r.results.get(i);
        if (res instanceof NormalizeResult.Normalized n) {
          assertThat(n.origin()).isEqualTo(r.file + ":" + r.line + "#" + i);
          assertThat(((CloudTrailEvent) n.value()).getEventName()).isEqualTo(Json.textAt(recs.get(i), "eventName"));
        } else {
          assertThat(((NormalizeResult.Rejected) res).field()).startsWith("Records[" + i + "].");
        }
      }
    }
    assertThat(records).isEqualTo(53);
  }

  @Test
  void getFindingsRowsYieldFindingsIncludingPascalCaseRootCredentialUsage() {
    Row response = format("guardduty-GetFindings-response").get(0);
    assertThat(response.results).hasSize(response.event.get("Findings").size())
        .allSatisfy(r -> assertThat(r).isInstanceOf(NormalizeResult.Normalized.class));
    List<Row> pascal = rows(r -> r.file.equals("cloudsploit-guardduty.jsonl"));
    List<GuardDutyFinding> findings = pascal.stream()
        .map(r -> (GuardDutyFinding) r.only(NormalizeResult.Normalized.class).get(0).value()).toList();
    GuardDutyFinding root = findings.stream().filter(f -> f.getType().equals("Policy:IAMUser/RootCredentialUsage"))
        .findFirst().orElseThrow();
    assertThat(root.getAccessKeyUserType()).isEqualTo("Root");
    assertThat(root.getAccountId()).isEqualTo("000011112222");
    assertThat(root.getApi()).isEqualTo("ListFindings");
    assertThat(root.getRemoteIp()).isEqualTo("103.127.36.50");
    assertThat(root.getEventLastSeen()).isEqualTo(Instant.parse("2021-12-01T14:25:28Z"));
    assertThat(root.getCreatedAt()).as("a JS-expression placeholder").isNull();
    assertThat(root.getSeverity()).isEqualTo(2.0);
  }

  @Test
  void pantherFindingsNormalizeAndSamplesAreMarked() {
    List<Row> findings = format("guardduty-finding");
    assertThat(findings).hasSize(8);
    long samples = 0;
    for (Row r : findings) {
      GuardDutyFinding f = (GuardDutyFinding) r.only(NormalizeResult.Normalized.class).get(0).value();
      boolean sample = Boolean.TRUE.equals(CloudTrailNormalizer.lenientBoolean(Json.path(r.event, "service", "additionalInfo", "sample")));
      assertThat(f.getSample()).as("%s", r).isEqualTo(sample);
      samples += sample ? 1 : 0;
      assertThat(f.getId()).isEqualTo(r.event.get("id").asText());
    }
    assertThat(samples).isEqualTo(4);
  }

  @Test
  void compromisedRootScenarioNormalizesInFull() {
    List<Row> scenario = rows(r -> r.file.equals("panther-scenario-compromised-root.jsonl"));
    List<CloudTrailEvent> events = scenario.stream()
        .map(r -> (CloudTrailEvent) r.only(NormalizeResult.Normalized.class).get(0).value()).toList();
    assertThat(events).hasSize(16);
    assertThat(events.stream().filter(e -> "Root".equals(e.getUserIdentityType()))).hasSize(15);
    assertThat(events).extracting(CloudTrailEvent::getEventName).contains("ConsoleLogin", "CreateAccessKey", "CreateUser",
        "AttachUserPolicy", "StopLogging");
  }

  @Test
  void eventBridgeEnvelopesNormalizeUnlessTheirDetailHoldsPlaceholders() {
    List<Row> envelopes = format("eventbridge-envelope");
    assertThat(envelopes).hasSize(15);
    for (Row r : envelopes) {
      String time = Json.textAt(r.event, "detail", "eventTime");
      if (time.equals("...")) {
        assertThat(r.only(NormalizeResult.Rejected.class)).singleElement().satisfies(x -> {
          assertThat(x.field()).isEqualTo("detail.eventTime");
          assertThat(x.reason()).endsWith("(a placeholder, not a value)");
        });
      } else {
        CloudTrailEvent e = (CloudTrailEvent) r.only(NormalizeResult.Normalized.class).get(0).value();
        assertThat(e.getEventTime()).isEqualTo(Timestamps.parseAws(time));
        assertThat(e.getRecord()).isEqualTo(Json.compact(r.event.get("detail")));
      }
    }
  }

  @Test
  void templatesRulePatternsFragmentsAndForeignShapesAreRejectedWithTheirReason() {
    assertThat(format("eventbridge-envelope-template")).singleElement().satisfies(r ->
        assertThat(r.only(NormalizeResult.Rejected.class).get(0).reason())
            .contains("has a placeholder detail, not a GuardDuty finding (fields: GUARDDUTY_FINDING_JSON_OBJECT)"));
    assertThat(format("eventbridge-rule-pattern")).hasSize(2).allSatisfy(r ->
        assertThat(r.only(NormalizeResult.Rejected.class).get(0).reason()).contains("EventBridge rule pattern"));
    for (Row r : format("fragment")) {
      if (Json.has(r.event, "eventTime")) {
        assertThat(r.only(NormalizeResult.Normalized.class)).as("%s", r).hasSize(1);
      } else {
        assertThat(r.only(NormalizeResult.Rejected.class).get(0).reason()).as("%s", r)
            .isEqualTo("unrecognized input: not a gateway event, CloudTrail record or GuardDuty finding (fields: userIdentity)");
      }
    }
    Map<String, String> other = new TreeMap<>();
    for (Row r : format("other")) {
      other.put(r.file + ":" + r.line, r.only(NormalizeResult.Rejected.class).get(0).reason());
    }
    assertThat(other).containsOnlyKeys("aws-docs-samples.jsonl:15", "aws-docs-samples.jsonl:17", "aws-docs-samples.jsonl:42",
        "aws-docs-samples.jsonl:47", "streamalert-cloudtrail.jsonl:3", "streamalert-cloudtrail.jsonl:58");
    assertThat(other.get("aws-docs-samples.jsonl:17")).as("CloudTrail Insights event").isEqualTo("cloudtrail: missing required field eventName");
    assertThat(other.get("aws-docs-samples.jsonl:47")).as("Security Hub ASFF copy").startsWith("unrecognized input");
    assertThat(other.get("streamalert-cloudtrail.jsonl:3")).as("CloudWatch Logs subscription").startsWith("unrecognized input");
    assertThat(other.get("streamalert-cloudtrail.jsonl:58")).contains("has an empty detail");
  }

  @Test
  void corpusWrapperRowsThemselvesAreUnrecognized() {
    InputReader reader = new InputReader();
    List<NormalizeResult> results = reader.readAll(List.of(corpusDir().resolve("panther-guardduty.jsonl")));
    assertThat(results).hasSize(8).allSatisfy(r -> assertThat(((NormalizeResult.Rejected) r).reason())
        .startsWith("unrecognized input: not a gateway event, CloudTrail record or GuardDuty finding (fields: source_repo"));
    assertThat(results).extracting(r -> ((NormalizeResult.Rejected) r).line()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void snippetsThatAreNotJsonAsPublishedAreRejectedByTheReader(@TempDir Path dir) {
    List<Row> raw = rows(r -> r.row.hasNonNull("event_raw"));
    assertThat(raw).hasSize(7);
    InputReader reader = new InputReader();
    for (Row r : raw) {
      Path f = dir.resolve(r.file + "-" + r.line + ".json");
      String text = r.row.get("event_raw").asText();
      try {
        Files.writeString(f, text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<NormalizeResult> results = reader.readAll(List.of(f));
      if (r.line == 16) {
        // a complete record followed by ",\n    ... additional entries ..."
        assertThat(results).hasSize(2);
        assertThat(((CloudTrailEvent) ((NormalizeResult.Normalized) results.get(0)).value()).getEventName())
            .isEqualTo("StartLogging");
        assertThat(results.get(1)).isInstanceOfSatisfying(NormalizeResult.Rejected.class, x -> {
          assertThat(x.line()).isEqualTo(35);
          assertThat(x.rawText()).isEqualTo(",\n    ... additional entries ...");
        });
        continue;
      }
      assertThat(results).as("%s", r).singleElement().isInstanceOfSatisfying(NormalizeResult.Rejected.class, x -> {
        assertThat(x.line()).isEqualTo(1);
        assertThat(x.reason()).startsWith("invalid JSON at line ");
        assertThat(x.rawText()).as("raw text, secret-named values (NextToken) redacted").isEqualTo(
            new String(Secrets.redactRaw(text.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                java.nio.charset.StandardCharsets.UTF_8));
      });
    }
  }
}
