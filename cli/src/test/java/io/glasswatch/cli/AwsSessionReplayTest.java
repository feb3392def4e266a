package io.glasswatch.cli;

import static io.glasswatch.cli.ReplayCommandTest.byType;
import static io.glasswatch.cli.ReplayCommandTest.lines;
import static io.glasswatch.cli.ReplayCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.cli.investigation.GrantActivity;
import io.glasswatch.cli.demo.DemoScenarios;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 1.6 through {@code glasswatch replay}, on CloudTrail records written after AWS's documented shapes
 * ({@code src/test/resources/aws-sessions/README.md} cites the pages): the producers' normalizer reads them,
 * the topology attributes the sessions, and the evidence summary reads the timeline.
 */
class AwsSessionReplayTest {
  private static final String REQUEST = "JIT-20240506-0107";
  private static final String ACCOUNT = "444455556666";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(AwsSessionReplayTest.class.getClassLoader().getResource("aws-sessions/" + name).toURI());
  }

  @Test
  void raisesSessionOutlivedGrantAndEmergencyRoleWithoutRequestFromRealisticRecords() throws Exception {
    Path timeline = dir.resolve("timeline.jsonl");
    ReplayCommandTest.Run r = run("replay", "--policy", fixture("policy.yaml").toString(), "--timeline-out",
        timeline.toString(), fixture("jit-session-and-emergency-role").toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    List<JsonNode> alerts = lines(r.stdout());
    // the session still calls after the revoke (GetObject), and a new sign-in after it opens a second session;
    // the emergency role is assumed by jordan, who has no request
    assertThat(byType(alerts)).containsExactlyInAnyOrderEntriesOf(Map.of("SESSION_OUTLIVED_GRANT", 2,
        "EMERGENCY_ROLE_WITHOUT_REQUEST", 1));
    assertThat(alerts).filteredOn(a -> a.path("alertType").asText().equals("EMERGENCY_ROLE_WITHOUT_REQUEST"))
        .singleElement().satisfies(a -> {
          assertThat(a.path("subject").asText()).isEqualTo("jordan@example.com");
          assertThat(a.path("correlationId").asText()).isEqualTo("account:" + ACCOUNT);
        });

    List<JsonNode> docs = lines(Files.readString(timeline));
    List<JsonNode> cloudTrail = docs.stream().filter(d -> "cloudtrail".equals(d.path("event").path("provider").asText()))
        .toList();
    assertThat(cloudTrail).filteredOn(d -> REQUEST.equals(d.path("glasswatch").path("correlation_id").asText()))
        .extracting(d -> d.path("event").path("action").asText())
        .containsExactly("AssumeRoleWithSAML", "DescribeInstances", "Decrypt", "PutKeyPolicy", "GenerateDataKey",
            "GetObject", "AssumeRoleWithSAML", "ListRoles");
    // the same user through the ReadOnly permission set, the uncovered emergency session and an unrelated call
    // stay with the account
    assertThat(cloudTrail).filteredOn(d -> ("account:" + ACCOUNT).equals(d.path("glasswatch").path("correlation_id").asText()))
        .extracting(d -> d.path("event").path("action").asText())
        .containsExactly("DescribeDBInstances", "AssumeRole", "Decrypt", "DescribeAlarms");
    assertThat(cloudTrail).allSatisfy(d -> assertThat(d.path("cloud").path("account").path("id").asText()).isEqualTo(ACCOUNT));
    // the STS responses carry session tokens: none reaches the timeline or the alerts
    assertThat(Files.readString(timeline)).doesNotContain("IQoJb3JpZ2luX2Vj");
    assertThat(r.stdout()).doesNotContain("IQoJb3JpZ2luX2Vj");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theEvidenceSummarySaysWhatWasDoneWithTheGrant() throws Exception {
    Path timeline = dir.resolve("timeline.jsonl");
    assertThat(run("replay", "--timeline-out", timeline.toString(),
        fixture("jit-session-and-emergency-role").toString()).status()).isZero();
    List<Map<String, Object>> docs = lines(Files.readString(timeline)).stream()
        .filter(d -> REQUEST.equals(d.path("glasswatch").path("correlation_id").asText()))
        .map(d -> (Map<String, Object>) JSON.convertValue(d, Map.class)).toList();

    Map<String, Object> a = GrantActivity.of(docs);

    assertThat(a.get("calls")).isEqualTo(8);
    assertThat((Map<String, Map<String, Integer>>) a.get("byService")).containsEntry("kms.amazonaws.com",
        Map.of("Decrypt", 1, "GenerateDataKey", 1, "PutKeyPolicy", 1));
    assertThat((List<Map<String, Object>>) a.get("writeCalls")).extracting(c -> c.get("action"))
        .containsExactly("PutKeyPolicy");
    assertThat((Map<String, List<String>>) a.get("kmsKeys")).containsOnlyKeys(
        "arn:aws:kms:eu-west-1:" + ACCOUNT + ":key/8e2f1c4a-93d7-4b6e-a1f0-5c2d7e9b3a14", "alias/orders-backup");
    assertThat(((Map<String, Object>) a.get("firstCall")).get("action")).isEqualTo("AssumeRoleWithSAML");
    assertThat(((Map<String, Object>) a.get("lastCall")).get("action")).isEqualTo("ListRoles");
    // revoked at 10:15, skew 2 min
    assertThat((List<Map<String, Object>>) a.get("afterGrantEnd")).extracting(c -> c.get("action"))
        .containsExactly("GetObject", "AssumeRoleWithSAML", "ListRoles");
    assertThat(GrantActivity.markdown(a)).contains("## What was done with this grant").contains("| kms.amazonaws.com | Decrypt | 1 |")
        .contains("**Calls after the grant ended**");
  }

  @Test
  void aGrantWithoutSessionRecordsSaysSo() {
    assertThat(GrantActivity.markdown(GrantActivity.of(List.of()))).contains("No CloudTrail record");
  }

  @Test
  void theBundledScenarioShowsTheSessionOutlivingItsGrant() throws IOException {
    Path scenarios = dir.resolve("scenarios");
    DemoScenarios.extract(scenarios);
    ReplayCommandTest.Run r = run("replay", scenarios.resolve("10-jit-session-in-aws").toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    // under the built-in policy no emergency role is listed: the AssumeRole is background
    assertThat(byType(lines(r.stdout()))).containsExactlyInAnyOrderEntriesOf(Map.of("SESSION_OUTLIVED_GRANT", 2));
  }

  @Test
  void underTheDemosPolicyTheBundledScenarioAlsoRaisesEmergencyRoleWithoutRequest() throws IOException {
    Path scenarios = dir.resolve("scenarios");
    DemoScenarios.extract(scenarios);
    Path policy = DemoScenarios.writePolicy(dir.resolve("demo"));
    assertThat(Files.readString(policy)).contains(DemoScenarios.EMERGENCY_ROLE);

    ReplayCommandTest.Run r = run("replay", "--policy", policy.toString(), scenarios.resolve("10-jit-session-in-aws").toString());

    assertThat(r.status()).as(r.stderr()).isZero();
    List<JsonNode> alerts = lines(r.stdout());
    assertThat(byType(alerts)).containsExactlyInAnyOrderEntriesOf(Map.of("SESSION_OUTLIVED_GRANT", 2,
        "EMERGENCY_ROLE_WITHOUT_REQUEST", 1));
    assertThat(alerts).filteredOn(a -> a.path("alertType").asText().equals("EMERGENCY_ROLE_WITHOUT_REQUEST"))
        .singleElement().satisfies(a -> assertThat(a.path("correlationId").asText()).isEqualTo("account:210987654321"));
  }
}
