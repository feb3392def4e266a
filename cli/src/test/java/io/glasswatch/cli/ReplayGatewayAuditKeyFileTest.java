package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.cli.ReplayCommandTest.Run;
import io.glasswatch.cli.demo.DemoScenarios;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glasswatch replay --gateway-audit-key-file FILE}: the AuthZ gateway's audit key from a file
 * verifies the signed {@code audit.log} of scenario 08 (key {@code harness-audit-key}), finds an edited
 * record, and never shows the key.
 */
class ReplayGatewayAuditKeyFileTest {
  private static final String KEY = "harness-audit-key";

  @TempDir static Path dir;
  static Path gateway;

  @BeforeAll
  static void extract() {
    Path scenarios = dir.resolve("scenarios");
    DemoScenarios.extract(scenarios);
    gateway = scenarios.resolve("08-authz-gateway");
  }

  private static Path keyFile(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private static List<String> chainStatuses(Path timeline) throws Exception {
    return ReplayCommandTest.lines(Files.readString(timeline)).stream()
        .map(d -> d.path("glasswatch").path("details").path("auditChainStatus").asText(""))
        .filter(s -> !s.isEmpty()).toList();
  }

  private static List<JsonNode> tamperAlerts(Run r) throws Exception {
    return ReplayCommandTest.lines(r.stdout()).stream()
        .filter(a -> a.path("alertType").asText().equals("GATEWAY_AUDIT_TAMPERED")).toList();
  }

  @Test
  void theKeyFromAFileWithATrailingNewlineVerifiesEverySignedRecordAndIsNeverPrinted() throws Exception {
    Path timeline = dir.resolve("verified.timeline.jsonl");
    Run r = ReplayCommandTest.run("replay", "--gateway-audit-key-file", keyFile("key-nl", KEY + "\n").toString(),
        "--timeline-out", timeline.toString(), gateway.toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(tamperAlerts(r)).isEmpty();
    assertThat(chainStatuses(timeline)).isNotEmpty().containsOnly("verified");
    assertThat(r.stdout() + r.stderr() + Files.readString(timeline)).doesNotContain(KEY);
  }

  @Test
  void withoutTheKeyTheSignedRecordsStayUnverified() throws Exception {
    Path timeline = dir.resolve("unverified.timeline.jsonl");
    Run r = ReplayCommandTest.run("replay", "--timeline-out", timeline.toString(), gateway.toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(chainStatuses(timeline)).isNotEmpty().containsOnly("unverified");
  }

  @Test
  void anEditedRecordIsTamperingNamedByFileAndLine() throws Exception {
    Path edited = dir.resolve("edited");
    Files.createDirectories(edited);
    Files.copy(gateway.resolve("break-glass-events.log"), edited.resolve("break-glass-events.log"));
    List<String> lines = Files.readAllLines(gateway.resolve("audit.log"));
    int target = -1;
    for (int i = 0; i < lines.size() && target < 0; i++) {
      if (lines.get(i).contains("\"breakGlass\"") && lines.get(i).contains("\"allowed\":true")) {
        target = i;
      }
    }
    assertThat(target).as("a signed break-glass record to edit").isNotNegative();
    lines.set(target, lines.get(target).replaceFirst("\"allowed\":true", "\"allowed\":false"));
    Files.write(edited.resolve("audit.log"), lines);

    Run r = ReplayCommandTest.run("replay", "--gateway-audit-key-file", keyFile("key", KEY).toString(), edited.toString());
    List<JsonNode> alerts = tamperAlerts(r);
    assertThat(alerts).as(r.stderr()).isNotEmpty();
    assertThat(alerts.toString()).contains("audit.log:" + (target + 1));
    assertThat(r.stdout() + r.stderr()).doesNotContain(KEY);
  }

  @Test
  void aWrongKeyBreaksTheChainAndTheWrongKeyIsNotPrintedEither() throws Exception {
    String wrong = "not-the-gateway-key-7f3a";
    Run r = ReplayCommandTest.run("replay", "--gateway-audit-key-file", keyFile("wrong", wrong).toString(),
        gateway.toString());
    assertThat(tamperAlerts(r)).isNotEmpty();
    assertThat(r.stdout() + r.stderr()).doesNotContain(wrong);
  }

  @Test
  void aMissingKeyFileIsAUsageErrorNamingTheFile() {
    Path missing = dir.resolve("no-such-key");
    Run r = ReplayCommandTest.run("replay", "--gateway-audit-key-file", missing.toString(), gateway.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains(missing.toString()).contains("no such file");
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void anEmptyKeyFileOrOneWithOnlyALineEndIsRefused() throws Exception {
    for (String content : new String[] {"", "\n", "\r\n"}) {
      Path f = keyFile("empty" + content.length(), content);
      Run r = ReplayCommandTest.run("replay", "--gateway-audit-key-file", f.toString(), gateway.toString());
      assertThat(r.status()).as(content.length() + " bytes").isEqualTo(2);
      assertThat(r.stderr()).contains(f.toString()).contains("is empty");
    }
  }

  @Test
  void onlyOneLineEndIsTakenOffTheKey() throws Exception {
    assertThat(GatewayAuditKeyFile.read(keyFile("crlf", KEY + "\r\n"))).isEqualTo(KEY.getBytes(StandardCharsets.UTF_8));
    assertThat(GatewayAuditKeyFile.read(keyFile("two", KEY + "\n\n")))
        .isEqualTo((KEY + "\n").getBytes(StandardCharsets.UTF_8));
    assertThat(GatewayAuditKeyFile.read(keyFile("spaces", " " + KEY + " ")))
        .isEqualTo((" " + KEY + " ").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDirectoryIsNotAKeyFile() {
    Run r = ReplayCommandTest.run("replay", "--gateway-audit-key-file", dir.toString(), gateway.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains("is a directory");
  }
}
