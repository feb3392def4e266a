package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.alerts.testing.SsoAdminWireServer;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SsoAdminRevoker} against a JSON 1.1 wire-protocol server answering with the IAM Identity
 * Center API Reference bodies: the paths moto cannot show (IN_PROGRESS, FAILED, conflicts,
 * throttling, server errors, an assignment that stays listed).
 */
class SsoAdminRevokerWireTest {
  private static final String DELETE = "DeleteAccountAssignment";
  private static final String DESCRIBE = "DescribeAccountAssignmentDeletionStatus";
  private static final String LIST = "ListAccountAssignments";
  private static final String SAMPLE_DELETION_ID = "b7c9d1e3-5f7a-4b9c-8d1e-3f5a7b9c1d2e";

  private SsoAdminWireServer server;
  private SsoAdminRevoker revoker;

  @BeforeEach
  void start() throws Exception {
    server = new SsoAdminWireServer();
    revoker = revoker(fastOptions());
  }

  @AfterEach
  void stop() {
    revoker.close();
    server.close();
  }

  private static SsoAdminRevoker.Options fastOptions() {
    return SsoAdminRevoker.Options.defaults()
        .withDeadline(Duration.ofSeconds(5))
        .withPoll(Duration.ofMillis(20), Duration.ofMillis(80))
        .withConfirmGrace(Duration.ofMillis(300))
        .withConflictRounds(2, Duration.ofMillis(20))
        .withRetry(Duration.ofMillis(20), Duration.ofMillis(100));
  }

  private SsoAdminRevoker revoker(SsoAdminRevoker.Options options) {
    GlasswatchSettings settings = GlasswatchSettings.builder()
        .set(GlasswatchSettings.SSO_ENDPOINT, server.endpoint().toString()).build();
    return new SsoAdminRevoker(SsoAdminClients.create(settings, SsoAdminClients.Tuning.fast()), options, Clock.systemUTC());
  }

  /** The assignment of the API Reference samples. */
  static AccountAssignment sampleAssignment() {
    return AccountAssignment.newBuilder()
        .setInstanceArn("arn:aws:sso:::instance/ssoins-1111111111111111")
        .setAccountId("123456789012")
        .setPermissionSetArn("arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222")
        .setPrincipalType("USER")
        .setPrincipalId("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
        .build();
  }

  static RevokeCommand command(String id, AccountAssignment assignment, Instant detectedAt) {
    return RevokeCommand.newBuilder()
        .setCommandId(id)
        .setRequestId("req-1")
        .setCorrelationId("req-1")
        .setAlertId("alert-1")
        .setTrigger("alert")
        .setReason("TOKEN_REUSE: second use of a single-use token")
        .setAssignment(assignment)
        .setTokenFingerprint(null)
        .setIssuedAt(Instant.parse("2024-05-01T10:00:00Z"))
        .setDetectedAtWallClock(detectedAt)
        .build();
  }

  @Test
  void pollsAnInProgressDeletionUntilSucceededThenConfirmsWithTheList() {
    server.status(DESCRIBE, "IN_PROGRESS", null).status(DESCRIBE, "IN_PROGRESS", null);
    Instant detected = Instant.now().minusMillis(1500);
    RevokeResult r = revoker.revoke(command("cmd-1", sampleAssignment(), detected));

    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(r.getDeletionRequestId()).isEqualTo(SAMPLE_DELETION_ID);
    assertThat(r.getDeletionStatus()).isEqualTo("SUCCEEDED");
    assertThat(r.getAttempts()).isEqualTo(1);
    assertThat(r.getFailureReason()).isNull();
    assertThat(r.getCommandId()).isEqualTo("cmd-1");
    assertThat(r.getAlertId()).isEqualTo("alert-1");
    assertThat(r.getCommandIssuedAt()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(r.getDeleteRequestedAt()).isBetween(r.getStartedAt(), r.getCompletedAt());
    assertThat(r.getTimeToRevokeMillis())
        .isEqualTo(r.getCompletedAt().toEpochMilli() - detected.toEpochMilli())
        .isGreaterThanOrEqualTo(1500L);
    assertThat(server.calls(DESCRIBE)).hasSize(3);
    assertThat(server.calls().getFirst().operation()).isEqualTo(LIST);
    assertThat(server.calls().getLast().operation()).isEqualTo(LIST);
    assertThat(server.assignments()).isEmpty();
  }

  @Test
  void sendsTheDocumentedRequestShapesSignedForTheSsoService() {
    revoker.revoke(command("cmd-2", sampleAssignment(), null));
    SsoAdminWireServer.Call delete = server.calls(DELETE).getFirst();
    assertThat(delete.body()).isEqualTo(SsoAdminWireServer.sample("ssoadmin-DeleteAccountAssignment.request.json"));
    assertThat(delete.headers().get("Authorization").getFirst()).contains("/us-east-1/sso/aws4_request");
    assertThat(delete.headers().get("Content-type").getFirst()).isEqualTo("application/x-amz-json-1.1");
    SsoAdminWireServer.Call describe = server.calls(DESCRIBE).getFirst();
    assertThat(describe.body()).isEqualTo(
        SsoAdminWireServer.sample("ssoadmin-DescribeAccountAssignmentDeletionStatus.request.json"));
    SsoAdminWireServer.Call list = server.calls(LIST).getFirst();
    assertThat(list.body().get("InstanceArn").asText()).isEqualTo("arn:aws:sso:::instance/ssoins-1111111111111111");
    assertThat(list.body().get("AccountId").asText()).isEqualTo("123456789012");
  }

  @Test
  void reissuesTheDeleteAfterAFailedDeletionAndConfirms() {
    server.status(DESCRIBE, "FAILED", "Received a 404 status error: Not supported account");
    List<String> steps = new CopyOnWriteArrayList<>();
    RevokeResult r = revoker.revoke(command("cmd-3", sampleAssignment(), null), (step, p) -> steps.add(step));
    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(server.calls(DELETE)).hasSize(2);
    assertThat(steps).containsSubsequence("delete_requested", "status_polled", "retrying", "delete_requested",
        "status_polled");
    assertThat(server.assignments()).isEmpty();
  }

  @Test
  void reportsAPersistentlyFailedDeletionWithTheServicesReasonAfterTheDeadlineAndGiveUp() {
    for (int i = 0; i < 200; i++) {
      server.status(DESCRIBE, "FAILED", "Received a 404 status error: Not supported account");
    }
    List<SsoAdminRevoker.Progress> missed = new CopyOnWriteArrayList<>();
    try (SsoAdminRevoker shortDeadline = revoker(fastOptions().withDeadline(Duration.ofMillis(300))
        .withGiveUp(Duration.ofMillis(1200)))) {
      long t0 = System.nanoTime();
      RevokeResult r = shortDeadline.revoke(command("cmd-3b", sampleAssignment(), null), (step, p) -> {
        if (step.equals(SsoAdminRevoker.STEP_DEADLINE_MISSED)) {
          missed.add(p);
        }
      });
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1000), Duration.ofSeconds(4));
      assertThat(r.getOutcome()).isEqualTo("FAILED");
      // the give-up meets either a polled FAILED or a re-issued delete not polled yet (IN_PROGRESS);
      // either way the reason carries the service's FailureReason of the failed deletions
      assertThat(r.getDeletionStatus()).isIn("FAILED", "IN_PROGRESS");
      assertThat(r.getFailureReason()).contains("FAILED").contains("Not supported account").contains(SAMPLE_DELETION_ID)
          .contains("gave up");
      assertThat(r.getTimeToRevokeMillis()).isNull();
      assertThat(missed).singleElement().satisfies(p -> {
        assertThat(p.elapsedMillis()).isGreaterThanOrEqualTo(300L);
        assertThat(p.describe()).contains("Not supported account").contains("DeleteAccountAssignment attempts");
      });
      assertThat(server.calls(DELETE).size()).isGreaterThan(2);
    }
  }

  @Test
  void retriesAConflictThenSucceeds() {
    server.error(DELETE, 400, "ConflictException", "Operation on this account assignment is in progress");
    RevokeResult r = revoker.revoke(command("cmd-4", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(r.getAttempts()).isEqualTo(2);
    assertThat(server.calls(DELETE)).hasSize(2);
  }

  @Test
  void retriesThrottlingThenSucceeds() {
    server.error(DELETE, 400, "ThrottlingException", "Rate exceeded");
    RevokeResult r = revoker.revoke(command("cmd-5", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(r.getAttempts()).isEqualTo(2);
  }

  @Test
  void retriesAServerErrorThenSucceeds() {
    server.error(DELETE, 500, "InternalServerException", "We encountered an internal error");
    RevokeResult r = revoker.revoke(command("cmd-6", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(r.getAttempts()).isEqualTo(2);
  }

  @Test
  void reissuesTheDeleteWhenTheAssignmentIsStillListedAfterSucceeded() {
    server.deleteButKeepListed();
    RevokeResult r = revoker.revoke(command("cmd-7", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(server.calls(DELETE)).hasSize(2);
    assertThat(server.assignments()).isEmpty();
  }

  @Test
  void failsWhenTheAssignmentStaysListedAfterSucceeded() {
    for (int i = 0; i < 100; i++) {
      server.deleteButKeepListed();
    }
    try (SsoAdminRevoker shortDeadline = revoker(fastOptions().withDeadline(Duration.ofMillis(800)))) {
      RevokeResult r = shortDeadline.revoke(command("cmd-7b", sampleAssignment(), null));
      assertThat(r.getOutcome()).isEqualTo("FAILED");
      assertThat(r.getDeletionStatus()).isEqualTo("SUCCEEDED");
      assertThat(r.getFailureReason())
          .contains("reported SUCCEEDED but ListAccountAssignments still lists USER f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
          .contains("123456789012");
      assertThat(r.getTimeToRevokeMillis()).isNull();
      assertThat(server.calls(LIST).size()).isGreaterThan(2);
    }
  }

  @Test
  void reportsAlreadyAbsentWithoutDeletingWhenTheAssignmentIsNotListed() {
    server.clearAssignments();
    RevokeResult r = revoker.revoke(command("cmd-8", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("ALREADY_ABSENT");
    assertThat(r.getAttempts()).isZero();
    assertThat(r.getDeleteRequestedAt()).isNull();
    assertThat(server.calls(DELETE)).isEmpty();
  }

  @Test
  void treatsResourceNotFoundOnDeleteAsAlreadyAbsentWhenTheListAgrees() {
    server.deleteFindsItGone();
    RevokeResult r = revoker.revoke(command("cmd-9", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("ALREADY_ABSENT");
    assertThat(r.getAttempts()).isEqualTo(1);
    assertThat(server.calls(DESCRIBE)).isEmpty();
    assertThat(server.calls(LIST)).hasSize(2);
  }

  @Test
  void failsOnResourceNotFoundWhileTheListStillShowsTheAssignment() {
    server.error(DELETE, 400, "ResourceNotFoundException", "Permission set not found");
    RevokeResult r = revoker.revoke(command("cmd-9b", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("FAILED");
    assertThat(r.getFailureReason()).contains("DeleteAccountAssignment: ResourceNotFoundException (HTTP 400")
        .contains("Permission set not found");
    assertThat(server.assignments()).hasSize(1);
  }

  @Test
  void doesNotRetryAccessDenied() {
    server.error(DELETE, 403, "AccessDeniedException", "User is not authorized to perform sso:DeleteAccountAssignment");
    RevokeResult r = revoker.revoke(command("cmd-10", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("FAILED");
    assertThat(r.getAttempts()).isEqualTo(1);
    assertThat(r.getFailureReason()).contains("DeleteAccountAssignment: AccessDeniedException (HTTP 403")
        .contains("not authorized");
    assertThat(server.assignments()).hasSize(1);
  }

  @Test
  void startsANewRoundWhenThrottlingOutlastsTheSdksBoundedAttempts() {
    for (int i = 0; i < 4; i++) {
      server.error(DELETE, 400, "ThrottlingException", "Rate exceeded");
    }
    List<String> steps = new CopyOnWriteArrayList<>();
    RevokeResult r = revoker.revoke(command("cmd-11", sampleAssignment(), null), (step, p) -> steps.add(step));
    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(r.getAttempts()).isEqualTo(SsoAdminClients.Tuning.fast().maxAttempts() + 1);
    assertThat(steps).startsWith("retrying");
  }

  @Test
  void keepsRetryingAPersistentConflictPastTheDeadlineThenGivesUp() {
    for (int i = 0; i < 1000; i++) {
      server.error(DELETE, 400, "ConflictException", "in progress");
    }
    List<String> steps = new CopyOnWriteArrayList<>();
    try (SsoAdminRevoker shortDeadline = revoker(fastOptions().withDeadline(Duration.ofMillis(300))
        .withGiveUp(Duration.ofMillis(1500)))) {
      RevokeResult r = shortDeadline.revoke(command("cmd-12", sampleAssignment(), null), (step, p) -> steps.add(step));
      assertThat(r.getOutcome()).isEqualTo("FAILED");
      assertThat(r.getAttempts()).isGreaterThan(2 * SsoAdminClients.Tuning.fast().maxAttempts());
      assertThat(r.getFailureReason()).contains("ConflictException").contains("gave up");
      assertThat(steps).containsOnlyOnce(SsoAdminRevoker.STEP_DEADLINE_MISSED).contains("retrying");
      assertThat(server.assignments()).hasSize(1);
    }
  }

  @Test
  void reportsTheMissedDeadlineOfANeverCompletingDeletionAndKeepsPollingUntilGiveUp() {
    for (int i = 0; i < 1000; i++) {
      server.status(DESCRIBE, "IN_PROGRESS", null);
    }
    List<String> steps = new CopyOnWriteArrayList<>();
    try (SsoAdminRevoker slow = revoker(fastOptions().withDeadline(Duration.ofMillis(300))
        .withGiveUp(Duration.ofMillis(1200)))) {
      long t0 = System.nanoTime();
      RevokeResult r = slow.revoke(command("cmd-13b", sampleAssignment(), null), (step, p) -> steps.add(step));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
      assertThat(r.getOutcome()).isEqualTo("FAILED");
      assertThat(r.getFailureReason()).contains("still IN_PROGRESS").contains("gave up");
      assertThat(steps).containsExactly("delete_requested", "deadline_missed");
      assertThat(server.calls(DELETE)).hasSize(1);
      assertThat(server.calls(DESCRIBE).size()).isGreaterThan(5);
    }
  }

  @Test
  void failsWhenTheDeletionStaysInProgressPastTheDeadline() {
    for (int i = 0; i < 100; i++) {
      server.status(DESCRIBE, "IN_PROGRESS", null);
    }
    try (SsoAdminRevoker shortDeadline = revoker(fastOptions().withDeadline(Duration.ofMillis(400)))) {
      long t0 = System.nanoTime();
      RevokeResult r = shortDeadline.revoke(command("cmd-13", sampleAssignment(), null));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      assertThat(r.getOutcome()).isEqualTo("FAILED");
      assertThat(r.getDeletionStatus()).isEqualTo("IN_PROGRESS");
      assertThat(r.getFailureReason()).contains("still IN_PROGRESS");
    }
  }

  @Test
  void keepsPollingThroughATransientDescribeFailure() {
    for (int i = 0; i < 4; i++) {
      server.error(DESCRIBE, 503, "ServiceUnavailableException", "try later");
    }
    RevokeResult r = revoker.revoke(command("cmd-14", sampleAssignment(), null));
    assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
    assertThat(server.calls(DESCRIBE)).hasSize(5);
  }

  @Test
  void failsACommandWithoutAssignmentWithoutCallingAws() {
    RevokeResult r = revoker.revoke(command("cmd-15", null, null));
    assertThat(r.getOutcome()).isEqualTo("FAILED");
    assertThat(r.getFailureReason()).contains("no account assignment");
    assertThat(server.calls()).isEmpty();
  }

  @Test
  void recordsDryRunWithoutCallingAws() {
    try (SsoAdminRevoker dry = SsoAdminRevoker.fromSettings(GlasswatchSettings.builder()
        .set(GlasswatchSettings.SSO_ENDPOINT, server.endpoint().toString())
        .set(GlasswatchSettings.REVOKE_DRY_RUN, "true").build())) {
      RevokeResult r = dry.revoke(command("cmd-16", sampleAssignment(), null));
      assertThat(dry.isDryRun()).isTrue();
      assertThat(r.getOutcome()).isEqualTo("DRY_RUN");
      assertThat(r.getFailureReason()).contains("revoke.dry-run");
      assertThat(r.getAttempts()).isZero();
    }
    assertThat(server.calls()).isEmpty();
  }
}
