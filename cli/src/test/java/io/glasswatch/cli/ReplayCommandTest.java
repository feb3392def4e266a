package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.cli.demo.DemoScenarios;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glasswatch replay} end to end on the bundled scenarios: SPEC section 5's contract. */
class ReplayCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path scenarios;

  @BeforeAll
  static void extract() {
    scenarios = dir.resolve("scenarios");
    DemoScenarios.extract(scenarios);
  }

  record Run(int status, String stdout, String stderr) {}

  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int status = GlasswatchCli.execute(args);
      return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  static List<JsonNode> lines(String text) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (!l.isBlank()) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  /** The alert types the bundled scenarios raise (README, "Scenarios"). */
  static final String[] SCENARIO_TYPES = {"UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_FAILED", "ROOT_LOGIN_WITHOUT_MFA",
      "ROOT_ANTIPATTERN", "ROTATION_OVERDUE", "USAGE_AFTER_EXPIRY", "TOKEN_REUSE", "SELF_APPROVAL",
      "WEAK_APPROVER_ASSURANCE", "MISSING_APPROVALS", "STALE_APPROVAL", "SCOPE_ESCALATION", "EXCESSIVE_DURATION",
      "EXPIRY_EXTENDED", "DUPLICATE_GRANT", "MISSING_AUDIT_RECORD", "SESSION_OVERRUN", "REPEATED_BREAK_GLASS",
      "DENIED_ATTEMPTS", "GRANT_ERROR", "SESSION_OUTLIVED_GRANT"};

  static Map<String, Integer> byType(List<JsonNode> alerts) {
    Map<String, Integer> m = new TreeMap<>();
    alerts.forEach(a -> m.merge(a.path("alertType").asText(), 1, Integer::sum));
    return m;
  }

  @Test
  void bundledScenariosRaiseTheTypesTheyCoverAndNothingForCompliantOrBackgroundEvents() throws IOException {
    Run r = run("replay", scenarios.toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    List<JsonNode> alerts = lines(r.stdout());
    // the types the bundled scenarios were written to show (a new alert type need not add a scenario)
    assertThat(byType(alerts)).containsOnlyKeys(SCENARIO_TYPES);
    // The compliant request and the background accounts never appear.
    assertThat(alerts).noneMatch(a -> "BG-20221110-0001".equals(a.path("requestId").asText()))
        .noneMatch(a -> a.path("correlationId").asText().equals("account:111122223333"));
    for (JsonNode a : alerts) {
      assertThat(a.path("alertId").asText()).hasSize(32);
      assertThat(a.path("evidence").size()).isPositive();
      assertThat(a.path("runbook").asText()).contains("runbooks.md#");
      assertThat(a.toString()).doesNotContain("jit_tok_").doesNotContain("bgt_");
    }
  }

  @Test
  void replayedWithAPrincipalListAnUnlistedRequesterIsRaisedAndListedOnesAreNot() throws IOException {
    Path policy = dir.resolve("principals.yaml");
    // carol and erin may break glass on the JIT controller's account; alice, dave and frank may not
    Files.writeString(policy, "accounts:\n  \"111122223333\":\n    breakGlassPrincipals: [carol@corp.example, "
        + "\" Erin@corp.example \"]\n");
    Run r = run("replay", "--policy", policy.toString(), scenarios.resolve("09-jit-controller").toString());
    assertThat(r.status()).as(r.stderr()).isZero();

    List<JsonNode> unlisted = lines(r.stdout()).stream()
        .filter(a -> a.path("alertType").asText().equals("UNLISTED_BREAK_GLASS_PRINCIPAL")).toList();
    assertThat(unlisted).extracting(a -> a.path("subject").asText())
        .containsExactlyInAnyOrder("alice@corp.example", "dave@corp.example", "frank@corp.example");
    assertThat(unlisted).allSatisfy(a -> assertThat(a.path("severity").asText()).isEqualTo("high"));
  }

  @Test
  void sameInputGivesTheSameAlertsAndTimeline() throws IOException {
    Path a1 = dir.resolve("a1.jsonl");
    Path a2 = dir.resolve("a2.jsonl");
    Path t1 = dir.resolve("t1.jsonl");
    Path t2 = dir.resolve("t2.jsonl");
    assertThat(run("replay", "--alerts-out", a1.toString(), "--timeline-out", t1.toString(), scenarios.toString()).status()).isZero();
    assertThat(run("replay", "--alerts-out", a2.toString(), "--timeline-out", t2.toString(), scenarios.toString()).status()).isZero();
    assertThat(Files.readString(a2)).isEqualTo(Files.readString(a1)).isNotEmpty();
    assertThat(Files.readString(t2)).isEqualTo(Files.readString(t1));
  }

  @Test
  void timelineHasOneEntryPerInputEventAlertAndRevokeRequestAndNeverTheToken() throws IOException {
    Path alerts = dir.resolve("alerts.jsonl");
    Path timeline = dir.resolve("timeline.jsonl");
    Run r = run("replay", "--alerts-out", alerts.toString(), "--timeline-out", timeline.toString(),
        scenarios.resolve("04-jit-token-reuse-after-expiry.jsonl").toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    List<JsonNode> docs = lines(Files.readString(timeline));
    long events = docs.stream().filter(d -> "event".equals(d.path("glasswatch").path("kind").asText())).count();
    long alertDocs = docs.stream().filter(d -> "alert".equals(d.path("glasswatch").path("kind").asText())).count();
    assertThat(events).isEqualTo(8);
    assertThat(alertDocs).isEqualTo(lines(Files.readString(alerts)).size()).isEqualTo(2);
    assertThat(Files.readString(timeline)).doesNotContain("jit_tok_3f9a8c71e2d44b0a");
    assertThat(Files.readString(timeline)).contains("token_fingerprint");
  }

  @Test
  void malformedLineExitsTwoNamingFileAndLineAndTheRestIsReplayed() throws IOException {
    Path bad = dir.resolve("bad.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(scenarios.resolve("04-jit-token-reuse-after-expiry.jsonl")));
    lines.add(2, "{\"type\": \"approval\", \"requestId\": ");
    Files.write(bad, lines);
    Run r = run("replay", bad.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains(bad + ":3:");
    assertThat(byType(lines(r.stdout()))).containsKeys("TOKEN_REUSE", "USAGE_AFTER_EXPIRY");
  }

  @Test
  void aGzipCutMidFileKeepsItsEarlierRecordsReportsTheDamageAndTheFilesAfterItAreStillRead() throws IOException {
    Path in = dir.resolve("cut");
    Files.createDirectories(in);
    List<String> tokenReuse = Files.readAllLines(scenarios.resolve("04-jit-token-reuse-after-expiry.jsonl"));
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write((String.join("\n", tokenReuse) + "\n").repeat(40).getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = gz.toByteArray();
    Path cut = in.resolve("a-cut.jsonl.gz");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
    Files.copy(scenarios.resolve("02-compromised-root.jsonl"), in.resolve("b-after.jsonl"));
    Run r = run("replay", in.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).containsPattern(java.util.regex.Pattern.quote(cut.toString()) + ":\\d+: .*everything after this point is lost");
    assertThat(byType(lines(r.stdout()))).as("records before the cut and the file after it are replayed")
        .containsKeys("TOKEN_REUSE", "UNAUTHORIZED_ROOT_USE");
    assertThat(r.stderr()).containsPattern("replayed [1-9]\\d+ events");
  }

  @Test
  void unknownShapeIsRejectedWithItsLine() throws IOException {
    Path odd = dir.resolve("odd.json");
    Files.writeString(odd, "{\"hello\": \"world\"}\n");
    Run r = run("replay", odd.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains(odd + ":1:").contains("unrecognized");
    assertThat(r.stdout()).isBlank();
  }

  @Test
  void missingInputExitsTwo() {
    Run r = run("replay", dir.resolve("nope.jsonl").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains("nope.jsonl").contains("no such file");
  }

  private static String rootLogin(String id, String time, String response) {
    return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + time + "\","
        + "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"eventType\":\"AwsConsoleSignIn\","
        + "\"recipientAccountId\":\"111122223333\",\"userIdentity\":{\"type\":\"Root\","
        + "\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\"},"
        + "\"additionalEventData\":{\"MFAUsed\":\"Yes\"},\"responseElements\":" + response + "}";
  }

  @Test
  void anUnreadableSignInOutcomeIsReplayedAsASignInAndReportedAndAConflictingDuplicateIsReported()
      throws IOException {
    Path f = dir.resolve("real.jsonl");
    Files.writeString(f, rootLogin("root-1", "2024-05-01T12:00:00Z", "\"Success?\"") + "\n"
        + rootLogin("dup-1", "2024-05-01T12:00:01Z", "{\"ConsoleLogin\":\"Failure\"}") + "\n"
        + rootLogin("dup-1", "2024-05-01T12:00:01Z", "{\"ConsoleLogin\":\"Success\"}") + "\n"
        + rootLogin("late", "2024-05-01T12:30:00Z", "{\"ConsoleLogin\":\"Failure\"}") + "\n");
    Run r = run("replay", f.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr())
        .contains(f + ":1: cloudtrail: record kept, judged from what can be read: responseElements: expected an object")
        .contains(f + ":3: cloudtrail: conflicting duplicate: eventID dup-1 at the same eventTime as " + f + ":2")
        .contains("replayed 4 events").contains("2 fields unreadable in kept records").contains("1 conflicting duplicates");
    assertThat(lines(r.stdout())).extracting(a -> a.path("alertType").asText()).contains("UNAUTHORIZED_ROOT_USE");
  }

  @Test
  void theLastRootSignInIsJudgedAndTheSummaryListsOpenDeadlinesAndCollapsedDuplicates() throws IOException {
    // the issue's two-record case, with the root sign-in delivered twice (S3 and EventBridge, say)
    Path f = dir.resolve("end.jsonl");
    String root = rootLogin("root-end", "2024-05-01T12:00:00Z", "{\"ConsoleLogin\":\"Success\"}");
    Files.writeString(f, root + "\n" + root + "\n"
        + rootLogin("other", "2024-05-01T12:02:00Z", "{\"ConsoleLogin\":\"Success\"}")
            .replace("\"type\":\"Root\"", "\"type\":\"IAMUser\",\"userName\":\"carol\"") + "\n");
    Run r = run("replay", f.toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(lines(r.stdout())).extracting(a -> a.path("alertType").asText())
        .as("decided at the end of input, two minutes after the sign-in").contains("UNAUTHORIZED_ROOT_USE");
    assertThat(r.stderr()).contains("replayed 3 events").contains("(1 identical duplicates collapsed)")
        .contains("1 deadlines open after the last event:")
        .containsPattern("ROTATION_OVERDUE +account:111122223333 +due 2024-05-02T12:00:00Z");
  }

  @Test
  void aRecordAboveTheMaximumRecordSizeIsRejectedAndTheRestReplayed() throws IOException {
    Path f = dir.resolve("big.jsonl");
    Files.writeString(f, rootLogin("big", "2024-05-01T12:00:00Z", "{\"pad\":\"" + "x".repeat(5000) + "\"}") + "\n"
        + rootLogin("small", "2024-05-01T12:00:01Z", "{\"ConsoleLogin\":\"Failure\"}") + "\n");
    Run r = run("replay", "--max-record-bytes", "2048", f.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains(f + ":1: record too large").contains("replayed 1 events");
  }
}
