package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.cli.demo.TopicReader;
import io.glasswatch.cli.demo.WebhookReceiver;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * The expiry sweeper and {@code glasswatch revoke} on the real stack (Kafka, Apicurio Registry,
 * Elasticsearch) and moto's IAM Identity Center: assignments created in moto, grants fed through
 * {@code glasswatch produce}, revokes confirmed by listing the assignments again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevokePathsIT {
  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-7777888899990000";
  private static final String PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-7777888899990000/ps-1212343456567878";
  private static final String ACCOUNT = "210987654321";

  @TempDir static Path dir;
  private GlasswatchSettings s;
  private WebhookReceiver receiver;
  private Pipeline pipeline;

  @BeforeAll
  void start() throws Exception {
    s = ItNamespace.prepare("revoke-paths", dir);
    receiver = WebhookReceiver.start("it-secret");
    s = s.with(GlasswatchSettings.WEBHOOK_URL, receiver.url()).with(GlasswatchSettings.WEBHOOK_SECRET, "it-secret");
    pipeline = Pipeline.start(s, Pipeline.all(), System.out);
  }

  @AfterAll
  void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private SsoAdminClient sso() {
    return SsoAdminClients.create(s, SsoAdminClients.Tuning.defaults());
  }

  private void assign(String principal) {
    try (SsoAdminClient sso = sso()) {
      sso.createAccountAssignment(b -> b.instanceArn(INSTANCE).targetId(ACCOUNT).targetType(TargetType.AWS_ACCOUNT)
          .permissionSetArn(PERMISSION_SET).principalType(PrincipalType.USER).principalId(principal));
    }
  }

  private boolean assigned(String principal) {
    try (SsoAdminClient sso = sso()) {
      return sso.listAccountAssignmentsPaginator(b -> b.instanceArn(INSTANCE).accountId(ACCOUNT)
          .permissionSetArn(PERMISSION_SET)).accountAssignments().stream()
          .anyMatch(a -> principal.equals(a.principalId()));
    }
  }

  /** A compliant JIT request granted 60 s ago, expiring at {@code expiresAt}, with the assignment of {@code principal}. */
  private Path grantFile(String requestId, String subject, String principal, Instant expiresAt) throws Exception {
    return grantFile(requestId, subject, principal, expiresAt, INSTANCE, PERMISSION_SET);
  }

  private Path grantFile(String requestId, String subject, String principal, Instant expiresAt, String instance,
      String permissionSet) throws Exception {
    Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(300);
    String assignment = String.format("{\"instanceArn\":\"%s\",\"accountId\":\"%s\",\"permissionSetArn\":\"%s\","
        + "\"principalType\":\"USER\",\"principalId\":\"%s\"}", instance, ACCOUNT, permissionSet, principal);
    List<String> lines = List.of(
        String.format("{\"type\":\"request\",\"requestId\":\"%s\",\"subject\":\"%s\",\"justification\":\"INC-77 restore\","
            + "\"ticketId\":\"INC-77\",\"accountId\":\"%s\",\"timestamp\":\"%s\"}", requestId, subject, ACCOUNT, t),
        String.format("{\"type\":\"approval\",\"requestId\":\"%s\",\"approver\":\"bob@example.com\",\"approverAcr\":\"loa2\","
            + "\"approverRole\":\"incident_command\",\"timestamp\":\"%s\"}", requestId, t.plusSeconds(5)),
        String.format("{\"type\":\"approval\",\"requestId\":\"%s\",\"approver\":\"carol@example.com\",\"approverAcr\":\"loa2\","
            + "\"approverRole\":\"security\",\"timestamp\":\"%s\"}", requestId, t.plusSeconds(10)),
        String.format("{\"type\":\"grant\",\"requestId\":\"%s\",\"tokenId\":\"tok-%s-secret\",\"singleUse\":false,"
            + "\"expiresAt\":\"%s\",\"timestamp\":\"%s\",\"assignment\":%s}", requestId, requestId, expiresAt,
            t.plusSeconds(30), assignment));
    if (expiresAt.isBefore(Instant.now())) {
      // a refused attempt after the end moves event time past expiresAt (no live wall clock here)
      lines = new ArrayList<>(lines);
      lines.add(String.format("{\"type\":\"usage\",\"requestId\":\"%s\",\"tokenId\":\"tok-%s-secret\","
          + "\"subject\":\"%s\",\"resource\":\"console\",\"action\":\"signin\",\"outcome\":\"deny\","
          + "\"timestamp\":\"%s\"}", requestId, requestId, subject, expiresAt.plusSeconds(10)));
    }
    Path f = dir.resolve(requestId + ".jsonl");
    Files.write(f, lines);
    return f;
  }

  private int cli(PrintStream out, String... command) {
    return GlasswatchCli.execute(s, out, out, command);
  }


  private RevokeResult finalResult(String requestId, String trigger) {
    return TopicReader.readAll(s, Topics.REVOKE_RESULTS, RevokeResult.class).stream()
        .filter(r -> r.getStep() == null && requestId.equals(r.getRequestId()) && trigger.equals(r.getTrigger()))
        .findFirst().orElse(null);
  }

  @Test
  void sweeperRemovesAnAssignmentThatOutlivedItsGrantAndReportsALateRevoke() throws Exception {
    assign("user-sweep");
    assertThat(assigned("user-sweep")).isTrue();
    Path f = grantFile("JIT-SWEEP-1", "sam@example.com", "user-sweep", Instant.now().minusSeconds(200));

    assertThat(cli(System.out, "produce", "--sorted", "--clock-tick", f.toString())).isZero();

    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      RevokeResult r = finalResult("JIT-SWEEP-1", "expiry");
      assertThat(r).isNotNull();
      assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
      assertThat(r.getTimeToRevokeMillis()).isNotNull().isPositive();
    });
    assertThat(assigned("user-sweep")).as("gone from IAM Identity Center").isFalse();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.received().values())
        .anySatisfy(n -> {
          assertThat(n.path("notification").asText()).isEqualTo("late revoke");
          assertThat(n.path("requestId").asText()).isEqualTo("JIT-SWEEP-1");
        }));
    assertThat(receiver.received().values()).allSatisfy(n -> assertThat(n.toString()).doesNotContain("secret"));
  }

  @Test
  void sweeperFindsAnAssignmentTheGatewayRemovedInTimeAlreadyAbsent() throws Exception {
    Path f = grantFile("JIT-SWEEP-2", "tom@example.com", "user-never-assigned", Instant.now().minusSeconds(200));

    assertThat(cli(System.out, "produce", "--sorted", "--clock-tick", f.toString())).isZero();

    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      RevokeResult r = finalResult("JIT-SWEEP-2", "expiry");
      assertThat(r).isNotNull();
      assertThat(r.getOutcome()).isEqualTo("ALREADY_ABSENT");
    });
    assertThat(receiver.received().values()).noneMatch(n -> "late revoke".equals(n.path("notification").asText())
        && "JIT-SWEEP-2".equals(n.path("requestId").asText()));
  }

  @Test
  void manualRevokePrintsTheConfirmedOutcomeAndTimeToRevoke() throws Exception {
    assign("user-manual");
    Path f = grantFile("JIT-MANUAL-1", "uma@example.com", "user-manual", Instant.now().plusSeconds(3600));
    assertThat(cli(System.out, "produce", "--sorted", f.toString())).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readAll(s, Topics.GATEWAY_EVENTS,
        io.glasswatch.schema.GatewayEvent.class).stream().anyMatch(e -> "JIT-MANUAL-1".equals(e.getRequestId())
            && "grant".equals(e.getType())));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = cli(new PrintStream(out, true, StandardCharsets.UTF_8), "revoke", "JIT-MANUAL-1", "--reason",
        "subject left the incident", "--timeout", "60s");

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed).contains("remove USER user-manual").containsPattern("CONFIRMED: .*time-to-revoke \\d+ ms");
    assertThat(assigned("user-manual")).isFalse();
    assertThat(finalResult("JIT-MANUAL-1", "manual").getOutcome()).isEqualTo("CONFIRMED");
  }

  @Test
  void manualRevokeContainsTheSessionsOfTheRevokedUserOnARealPermissionSet() throws Exception {
    String instance;
    String ps;
    String others = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Ops\",\"Effect\":\"Allow\","
        + "\"Action\":\"ec2:Describe*\",\"Resource\":\"*\"}]}";
    try (SsoAdminClient sso = sso()) {
      instance = sso.listInstances(r -> { }).instances().getFirst().instanceArn();
      ps = sso.createPermissionSet(r -> r.instanceArn(instance).name("BreakGlassContain").sessionDuration("PT1H"))
          .permissionSet().permissionSetArn();
      sso.putInlinePolicyToPermissionSet(r -> r.instanceArn(instance).permissionSetArn(ps).inlinePolicy(others));
      sso.createAccountAssignment(b -> b.instanceArn(instance).targetId(ACCOUNT).targetType(TargetType.AWS_ACCOUNT)
          .permissionSetArn(ps).principalType(PrincipalType.USER).principalId("user-contain"));
    }
    Path f = grantFile("JIT-CONTAIN-1", "cora@example.com", "user-contain", Instant.now().plusSeconds(3600), instance, ps);
    assertThat(cli(System.out, "produce", "--sorted", f.toString())).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readAll(s, Topics.GATEWAY_EVENTS,
        io.glasswatch.schema.GatewayEvent.class).stream().anyMatch(e -> "JIT-CONTAIN-1".equals(e.getRequestId())
            && "grant".equals(e.getType())));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = cli(new PrintStream(out, true, StandardCharsets.UTF_8), "revoke", "JIT-CONTAIN-1", "--reason",
        "credentials leaked", "--timeout", "60s");

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed).containsPattern("CONFIRMED: .*time-to-revoke \\d+ ms")
        .containsPattern("CONTAINED: sessions issued before \\S+ denied on " + java.util.regex.Pattern.quote(ps)
            + " \\(statement GlasswatchContain[0-9a-f]{16}, provisioning SUCCEEDED\\) in \\d+\\.\\d s");
    try (SsoAdminClient sso = sso()) {
      String policy = sso.getInlinePolicyForPermissionSet(r -> r.instanceArn(instance).permissionSetArn(ps)).inlinePolicy();
      assertThat(policy).startsWith(others.substring(0, others.length() - 2)).contains("\"identitystore:userId\":\"user-contain\"");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TopicReader.readAll(s, Topics.REVOKE_RESULTS,
        RevokeResult.class)).anySatisfy(r -> assertThat(r.getStep()).isEqualTo("contain_contained")));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.received().values())
        .anySatisfy(n -> assertThat(n.path("notification").asText()).isEqualTo("sessions contained")));
  }

  @Test
  void manualRevokeOfARequestWithoutGrantExitsWith2() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = cli(new PrintStream(out, true, StandardCharsets.UTF_8), "revoke", "JIT-NO-SUCH-REQUEST", "--reason",
        "typo", "--timeout", "5s");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("JIT-NO-SUCH-REQUEST has no grant").doesNotContain("Usage:");
    assertThat(finalResult("JIT-NO-SUCH-REQUEST", "manual")).isNull();
  }
}
