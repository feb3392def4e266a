package io.glasswatch.cli;

import static io.glasswatch.cli.ReplayCommandTest.lines;
import static io.glasswatch.cli.ReplayCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.cli.ReplayCommandTest.Run;
import io.glasswatch.cli.demo.DemoScenarios;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --policy FILE} and the setting {@code policy.file}: the detection policy a command applies. */
class PolicyOptionTest {
  @TempDir static Path dir;
  static Path tokenReuse;
  static Path malformed;

  @BeforeAll
  static void files() throws IOException {
    tokenReuse = DemoScenarios.extract(dir.resolve("scenarios")).stream()
        .filter(p -> p.getFileName().toString().startsWith("04-")).findFirst().orElseThrow();
    malformed = dir.resolve("malformed.yaml");
    Files.writeString(malformed, """
        rotationDeadline: tomorrow
        alerts:
          TOKEN_REUSE: { actions: [email] }
        """);
  }

  /** The timeline documents of {@code timeline} whose event.action is {@code action}, by alert id. */
  private static Set<String> alertIdsOf(Path timeline, String action) throws IOException {
    return lines(Files.readString(timeline)).stream()
        .filter(d -> action.equals(d.path("event").path("action").asText()))
        .map(d -> d.path("glasswatch").path("alert_id").asText()).collect(Collectors.toSet());
  }

  private static Map<String, JsonNode> alertsByType(Path alerts) throws IOException {
    return lines(Files.readString(alerts)).stream()
        .collect(Collectors.toMap(a -> a.path("alertType").asText(), a -> a));
  }

  @Test
  void replayWithANotifyOnlyPolicyRaisesTokenReuseWithoutARevokeCommand() throws IOException {
    Path policy = dir.resolve("notify-token-reuse.yaml");
    Files.writeString(policy, "alerts:\n  TOKEN_REUSE: { actions: [notify] }\n");
    Path defaultAlerts = dir.resolve("default-alerts.jsonl");
    Path defaultTimeline = dir.resolve("default-timeline.jsonl");
    Path alerts = dir.resolve("notify-alerts.jsonl");
    Path timeline = dir.resolve("notify-timeline.jsonl");

    Run defaults = run("replay", "--alerts-out", defaultAlerts.toString(), "--timeline-out",
        defaultTimeline.toString(), tokenReuse.toString());
    Run notify = run("replay", "--policy", policy.toString(), "--alerts-out", alerts.toString(), "--timeline-out",
        timeline.toString(), tokenReuse.toString());

    assertThat(defaults.status()).as(defaults.stderr()).isZero();
    assertThat(notify.status()).as(notify.stderr()).isZero();
    String tokenReuseId = alertsByType(alerts).get("TOKEN_REUSE").path("alertId").asText();
    String expiryId = alertsByType(alerts).get("USAGE_AFTER_EXPIRY").path("alertId").asText();
    assertThat(alertsByType(alerts).get("TOKEN_REUSE").path("actions").toString()).isEqualTo("[\"notify\"]");
    assertThat(alertsByType(defaultAlerts).get("TOKEN_REUSE").path("actions").toString()).isEqualTo("[\"revoke\"]");
    // same violation, same alert id: only what Glasswatch does about it changed
    assertThat(alertsByType(defaultAlerts).get("TOKEN_REUSE").path("alertId").asText()).isEqualTo(tokenReuseId);
    assertThat(alertIdsOf(defaultTimeline, "revoke_requested")).contains(tokenReuseId, expiryId);
    // without the TOKEN_REUSE revoke the grant runs to its expiresAt, so the expiry sweeper (no alert id)
    // checks its assignment too
    assertThat(alertIdsOf(timeline, "revoke_requested")).containsExactlyInAnyOrder(expiryId, "");
    assertThat(alertIdsOf(defaultTimeline, "revoke_requested")).doesNotContain("");
    assertThat(notify.stderr()).contains("2 revoke commands");
    assertThat(defaults.stderr()).contains("2 revoke commands");
  }

  @Test
  void replayWithAMalformedPolicyExitsTwoListingEveryProblemAndReplaysNothing() {
    Path alerts = dir.resolve("never.jsonl");

    Run r = run("replay", "--policy", malformed.toString(), "--alerts-out", alerts.toString(), tokenReuse.toString());

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr())
        .contains(malformed + ": rotationDeadline: expected a duration such as 24h or PT24H, got 'tomorrow' (line 1)")
        .contains(malformed + ": alerts.TOKEN_REUSE.actions[0]: expected page, notify or revoke, got 'email' (line 3)")
        .doesNotContain("replayed");
    assertThat(alerts).doesNotExist();
    assertThat(r.stdout()).isBlank();
  }

  @Test
  void replayWithAMissingPolicyFileExitsTwo() {
    Run r = run("replay", "--policy", dir.resolve("absent.yaml").toString(), tokenReuse.toString());

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains("absent.yaml: cannot read the policy file: no such file");
  }

  @Test
  void serveAndDemoRefuseAMalformedPolicyBeforeStartingAnything() {
    for (String command : List.of("serve", "demo")) {
      Run r = run(command, "--set", "stack.dir=" + dir.resolve("no-stack"), "--policy", malformed.toString());

      assertThat(r.status()).as(command).isEqualTo(2);
      assertThat(r.stderr()).as(command).contains(malformed + ": rotationDeadline: expected a duration");
      assertThat(r.stdout()).as(command).doesNotContain("running").doesNotContain("starting the local stack");
    }
  }

  @Test
  void serveReadsThePolicyFileSetting() {
    Run r = run("serve", "--set", "stack.dir=" + dir.resolve("no-stack"), "--set", "policy.file=" + malformed);

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains(malformed + ": alerts.TOKEN_REUSE.actions[0]");
  }

  @Test
  void policyOptionWinsOverTheSettingWhichWinsOverTheDefaults() throws IOException {
    Path strict = dir.resolve("strict.yaml");
    Files.writeString(strict, "rotationDeadline: 4h\n");
    GlasswatchSettings withFile = GlasswatchSettings.builder().set(GlasswatchSettings.POLICY_FILE, malformed.toString())
        .build();

    PolicySource fromOption = PolicySource.load(strict, withFile);
    assertThat(fromOption.policy().rotationDeadline()).isEqualTo(Duration.ofHours(4));
    assertThat(fromOption.origin()).isEqualTo(strict.toString());
    assertThat(fromOption.describe()).startsWith("policy from " + strict + ": Policy[skew=PT2M")
        .contains("rotationDeadline=PT4H");

    assertThatThrownBy(() -> PolicySource.load(null, withFile)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(malformed + ": rotationDeadline");

    PolicySource none = PolicySource.load(null, GlasswatchSettings.builder().build());
    assertThat(none.policy()).isEqualTo(Policy.defaults());
    assertThat(none.origin()).isEqualTo("built-in defaults");
    assertThat(PolicySource.load(null, null).policy()).isEqualTo(Policy.defaults());
  }

  @Test
  void shippedPolicyFileGivesTheDefaultAlerts() throws IOException {
    Path shipped = Path.of("..", "config", "policy.yaml");
    Path withFile = dir.resolve("shipped-alerts.jsonl");
    Path without = dir.resolve("builtin-alerts.jsonl");

    assertThat(run("replay", "--policy", shipped.toString(), "--alerts-out", withFile.toString(),
        tokenReuse.toString()).status()).isZero();
    assertThat(run("replay", "--alerts-out", without.toString(), tokenReuse.toString()).status()).isZero();

    assertThat(Files.readString(withFile)).isNotEmpty().isEqualTo(Files.readString(without));
    assertThat(PolicySource.load(shipped, null).policy().alert(AlertType.TOKEN_REUSE).has(Action.REVOKE)).isTrue();
  }
}
