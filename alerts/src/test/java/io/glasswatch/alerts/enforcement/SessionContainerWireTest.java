package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.alerts.testing.SsoAdminWireServer;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.ContainCommand;
import io.glasswatch.schema.ContainResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionContainer} on a permission set against the JSON 1.1 wire-protocol server: the paths moto
 * cannot show (provisioning IN_PROGRESS then SUCCEEDED, FAILED, throttling, conflicts), and an existing
 * inline policy that survives the merge and the clean-up byte for byte.
 */
class SessionContainerWireTest {
  private static final String PUT = "PutInlinePolicyToPermissionSet";
  private static final String PROVISION = "ProvisionPermissionSet";
  private static final String DESCRIBE = "DescribePermissionSetProvisioningStatus";
  private static final String OTHERS = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"Ops\", "
      + "\"Effect\": \"Allow\", \"Action\": [\"ec2:Describe*\"], \"Resource\": \"*\"}\n  ]\n}\n";

  private SsoAdminWireServer server;
  private SessionContainer container;
  private final List<String> steps = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    server = new SsoAdminWireServer();
    GlasswatchSettings settings = GlasswatchSettings.builder()
        .set(GlasswatchSettings.SSO_ENDPOINT, server.endpoint().toString()).build();
    var client = SsoAdminClients.create(settings, SsoAdminClients.Tuning.fast());
    container = new SessionContainer(SsoAdminClients.Source.of(client), account -> {
      throw new AssertionError("no IAM call expected");
    }, client::close, SessionContainer.Options.fast(Duration.ofSeconds(5)), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    container.close();
    server.close();
  }

  static ContainCommand command(String id, AccountAssignment a) {
    Instant now = Instant.now();
    return ContainCommand.newBuilder().setCommandId(id).setCorrelationId("req-1").setRequestId("req-1")
        .setAlertId("alert-1").setAlertType("TOKEN_REUSE").setTrigger("revoke").setReason("revoke rc-1 confirmed")
        .setAccountId(a.getAccountId()).setAssignment(a).setSessionName("jdoe").setDeniedBefore(now).setIssuedAt(now)
        .setDetectedAtWallClock(now).build();
  }

  private ContainResult contain(String id, Duration deadline) {
    return container.contain(command(id, SsoAdminRevokerWireTest.sampleAssignment()), deadline,
        (step, message) -> steps.add(step));
  }

  private String policy() {
    return server.inlinePolicy(SsoAdminRevokerWireTest.sampleAssignment().getPermissionSetArn());
  }

  @Test
  void mergesIntoTheExistingPolicyWaitsForProvisioningAndCleansUpToTheOriginalBytes() {
    server.inlinePolicy(SsoAdminRevokerWireTest.sampleAssignment().getPermissionSetArn(), OTHERS);
    server.status(DESCRIBE, "IN_PROGRESS", null).status(DESCRIBE, "IN_PROGRESS", null);

    ContainResult r = contain("contain:rc-1", Duration.ofSeconds(5));

    assertThat(r.getOutcome()).isEqualTo("CONTAINED");
    assertThat(r.getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(r.getProvisioningRequestId()).isNotBlank();
    assertThat(r.getTimeToContainMillis()).isNotNull().isBetween(0L, 5_000L);
    assertThat(r.getCleanupAfter()).isEqualTo(r.getDeniedBefore().plus(Duration.ofHours(1)));
    assertThat(server.calls(DESCRIBE)).hasSize(3);
    assertThat(server.calls(PROVISION).getFirst().body().path("TargetType").asText()).isEqualTo("AWS_ACCOUNT");
    assertThat(server.calls(PROVISION).getFirst().body().path("TargetId").asText()).isEqualTo("123456789012");
    assertThat(policy()).startsWith(OTHERS.substring(0, OTHERS.lastIndexOf('}', OTHERS.lastIndexOf(']')) + 1))
        .contains(r.getStatementSid()).contains("\"identitystore:userId\":\"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"");
    assertThat(steps).containsSubsequence(SessionContainer.STEP_RECEIVED, SessionContainer.STEP_POLICY_WRITTEN,
        SessionContainer.STEP_PROVISIONING).doesNotContain(SessionContainer.STEP_RETRYING);

    ContainResult clean = container.cleanUp(r, SessionContainer.Listener.NONE);

    assertThat(clean.getOutcome()).isEqualTo("CLEANED_UP");
    assertThat(policy()).isEqualTo(OTHERS);
    assertThat(server.calls(PROVISION)).hasSize(2);
  }

  @Test
  void withoutAPolicyItCreatesOneAndTheCleanUpDeletesIt() {
    ContainResult r = contain("contain:rc-2", Duration.ofSeconds(5));
    assertThat(r.getOutcome()).isEqualTo("CONTAINED");
    assertThat(InlinePolicyText.sids(policy())).containsExactly(r.getStatementSid());

    assertThat(container.cleanUp(r, SessionContainer.Listener.NONE).getOutcome()).isEqualTo("CLEANED_UP");
    assertThat(policy()).isNull();
    assertThat(server.calls("DeleteInlinePolicyFromPermissionSet")).hasSize(1);
  }

  @Test
  void aRepeatedCommandDoesNotWriteTheStatementTwice() {
    ContainResult first = contain("contain:rc-3", Duration.ofSeconds(5));
    String after = policy();
    ContainResult again = contain("contain:rc-3", Duration.ofSeconds(5));
    assertThat(again.getOutcome()).isEqualTo("CONTAINED");
    assertThat(policy()).isEqualTo(after);
    assertThat(server.calls(PUT)).hasSize(1);
    assertThat(first.getStatementSid()).isEqualTo(again.getStatementSid());
  }

  @Test
  void aFailedProvisioningIsProvisionedAgainInANewRound() {
    server.status(DESCRIBE, "FAILED", "Received a 404 status error: Not supported policy");

    ContainResult r = contain("contain:rc-4", Duration.ofSeconds(5));

    assertThat(r.getOutcome()).isEqualTo("CONTAINED");
    assertThat(steps).contains(SessionContainer.STEP_RETRYING);
    assertThat(server.calls(PROVISION)).hasSize(2);
    assertThat(server.calls(PUT)).as("the statement was already there in round 2").hasSize(1);
  }

  @Test
  void provisioningThatKeepsFailingEndsFailedWithTheReasonAfterTheDeadlineWasReported() {
    for (int i = 0; i < 200; i++) {
      server.status(PROVISION, "FAILED", "permission set quota reached");
    }
    SessionContainer slow = container;
    ContainResult r = slow.contain(command("contain:rc-5", SsoAdminRevokerWireTest.sampleAssignment()),
        Duration.ofMillis(300), (step, m) -> steps.add(step));

    assertThat(r.getOutcome()).isEqualTo("FAILED");
    assertThat(r.getFailureReason()).contains("FAILED: permission set quota reached");
    assertThat(steps).contains(SessionContainer.STEP_DEADLINE_MISSED);
    assertThat(steps.stream().filter(SessionContainer.STEP_DEADLINE_MISSED::equals)).hasSize(1);
  }

  @Test
  void throttlingAndConflictsAreRetriedByTheSdk() {
    server.error(PUT, 400, "ThrottlingException", "Rate exceeded")
        .error(PUT, 409, "ConflictException", "Operation already in progress")
        .error(PROVISION, 409, "ConflictException", "Another provisioning is in progress");

    ContainResult r = contain("contain:rc-6", Duration.ofSeconds(5));

    assertThat(r.getOutcome()).isEqualTo("CONTAINED");
    assertThat(r.getAttempts()).isEqualTo(3);
    assertThat(server.calls(PUT)).hasSize(3);
    assertThat(server.calls(PROVISION)).hasSize(2);
    assertThat(steps).doesNotContain(SessionContainer.STEP_RETRYING);
  }

  @Test
  void conflictsThatOutlastTheSdkRetriesStartANewRound() {
    for (int i = 0; i < 4; i++) {
      server.error(PUT, 409, "ConflictException", "Operation already in progress");
    }
    ContainResult r = contain("contain:rc-7", Duration.ofSeconds(5));
    assertThat(r.getOutcome()).isEqualTo("CONTAINED");
    assertThat(steps).contains(SessionContainer.STEP_RETRYING);
    assertThat(server.calls(PUT)).hasSize(5);
  }

  @Test
  void accessDeniedFailsAtOnce() {
    server.error("GetInlinePolicyForPermissionSet", 400, "AccessDeniedException", "not authorized");
    ContainResult r = contain("contain:rc-8", Duration.ofSeconds(5));
    assertThat(r.getOutcome()).isEqualTo("FAILED");
    assertThat(r.getFailureReason()).contains("AccessDeniedException").contains("1 round");
    assertThat(server.calls(PUT)).isEmpty();
  }

  @Test
  void aStatementMissingOnReadBackIsWrittenAgainInANewRound() {
    server.loseNextInlinePolicyPut();
    ContainResult r = contain("contain:rc-9", Duration.ofSeconds(5));
    assertThat(r.getOutcome()).isEqualTo("CONTAINED");
    assertThat(steps).contains(SessionContainer.STEP_RETRYING);
    assertThat(server.calls(PUT)).hasSize(2);
    assertThat(InlinePolicyText.contains(policy(), r.getStatementSid())).isTrue();
  }

  @Test
  void aDryRunMakesNoCall() {
    try (SessionContainer dry = SessionContainer.dryRun("revoke.dry-run is true")) {
      ContainResult r = dry.contain(command("contain:rc-10", SsoAdminRevokerWireTest.sampleAssignment()),
          Duration.ofSeconds(1), SessionContainer.Listener.NONE);
      assertThat(r.getOutcome()).isEqualTo("DRY_RUN");
    }
    assertThat(server.calls()).isEmpty();
  }
}
