package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.SessionEvents.ADMIN_ROLE;
import static io.glasswatch.streams.testing.SessionEvents.READONLY_ROLE;
import static io.glasswatch.streams.testing.SessionEvents.adminAssignment;
import static io.glasswatch.streams.testing.SessionEvents.assumeRole;
import static io.glasswatch.streams.testing.SessionEvents.samlSignIn;
import static io.glasswatch.streams.testing.SessionEvents.sessionCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import io.glasswatch.streams.testing.SessionEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC 1.6 end to end through the production topology: a grant's AWS session is filed in the request's
 * timeline, and the session rules judge it (SESSION_OUTLIVED_GRANT, EMERGENCY_ROLE_WITHOUT_REQUEST, the
 * emergency-role cases of UNLISTED_BREAK_GLASS_PRINCIPAL and EXCESSIVE_DURATION, the sweeper told of an
 * AssumeRoleWithSAML after the end). Default policy: skew 2 min, decisionDelay 5 min, maxGrantDuration 1 h.
 */
class GrantSessionsTest {
  private static final String ACCOUNT = "111122223333";
  private static final String EMERGENCY = "arn:aws:iam::" + ACCOUNT + ":role/break-glass-emergency";

  /** req-1 by alice: granted at minute 1 for 30 min with BreakGlassAdmin, its names in the assignment when {@code named}. */
  private static Scenario jitGrant(boolean named) {
    return Scenario.create().then(
        request("req-1", "alice", ACCOUNT, "jit", at(0)),
        approval("req-1", "carol", "incident_command", at(0.5)),
        approval("req-1", "dave", "security", at(0.6)),
        grant("req-1", "tok-1", at(1), Duration.ofMinutes(30), true, adminAssignment(ACCOUNT, "u-alice", "alice", named)));
  }

  private static Policy emergencyPolicy() {
    return Policy.defaults().toBuilder().emergencyRoles(List.of(EMERGENCY)).build();
  }

  private static TimelineEntry entry(ReplayResult r, String eventId) {
    return Scenario.entry(r, "cloudtrail:" + eventId);
  }

  @Test
  void filesTheSessionsSignInAndCallsUnderTheRequestWithTheKmsKeyNamed() {
    ReplayResult r = jitGrant(true).then(
        samlSignIn("ct-saml", ACCOUNT, at(2), ADMIN_ROLE, "alice", "ASIAALICE1"),
        sessionCall("ct-kms", ACCOUNT, at(3), ADMIN_ROLE, "alice", "ASIAALICE1", "kms.amazonaws.com",
            "GenerateDataKey", "{\"keyId\":\"alias/backup\",\"keySpec\":\"AES_256\"}"),
        sessionCall("ct-ec2", ACCOUNT, at(4), ADMIN_ROLE, "alice", "ASIAALICE1", "ec2.amazonaws.com",
            "DescribeInstances", null)).tick(at(120)).run();

    assertThat(r.alerts()).isEmpty();
    for (String id : List.of("ct-saml", "ct-kms", "ct-ec2")) {
      TimelineEntry e = entry(r, id);
      assertThat(e.getCorrelationId()).as(id).isEqualTo("req-1");
      assertThat(e.getRequestId()).as(id).isEqualTo("req-1");
      // still listed by `glasswatch timeline account:ID`, which also reads cloud.account.id
      assertThat(e.getAccountId()).as(id).isEqualTo(ACCOUNT);
      assertThat(e.getDetails()).as(id).contains("\"grantSession\"").contains("\"requestId\":\"req-1\"");
    }
    assertThat(entry(r, "ct-kms").getDetails()).contains("\"kmsKey\":\"alias/backup\"");
    assertThat(entry(r, "ct-kms").getMessage()).contains("KMS key alias/backup");
    assertThat(r.timeline()).filteredOn(e -> e.getEntryId().startsWith("cloudtrail:"))
        .allMatch(e -> !e.getCorrelationId().startsWith("account:"));
  }

  @Test
  void aCallOneSecondBeforeExpiryIsNoAlert() {
    // the grant ends at minute 31; one second before is well inside
    ReplayResult r = jitGrant(true).then(
        sessionCall("ct-last", ACCOUNT, at(31).minusSeconds(1), ADMIN_ROLE, "alice", "ASIAALICE1",
            "s3.amazonaws.com", "GetObject", null)).tick(at(120)).run();

    assertThat(Scenario.alertsOf(r, "SESSION_OUTLIVED_GRANT")).isEmpty();
    assertThat(entry(r, "ct-last").getCorrelationId()).isEqualTo("req-1");
  }

  @Test
  void aCallWithinSkewAfterTheEndIsNoAlertButOneAfterItIs() {
    // revoked at minute 10, skew 2 min: minute 12 exactly is the last allowed time
    ReplayResult r = jitGrant(true).then(
        expiry("req-1", "revoked", at(10)),
        sessionCall("ct-edge", ACCOUNT, at(12), ADMIN_ROLE, "alice", "ASIAALICE1", "s3.amazonaws.com", "GetObject",
            null),
        sessionCall("ct-late", ACCOUNT, at(15), ADMIN_ROLE, "alice", "ASIAALICE1", "iam.amazonaws.com",
            "CreateAccessKey", null),
        sessionCall("ct-later", ACCOUNT, at(16), ADMIN_ROLE, "alice", "ASIAALICE1", "s3.amazonaws.com", "GetObject",
            null)).tick(at(120)).run();

    List<Alert> outlived = Scenario.alertsOf(r, "SESSION_OUTLIVED_GRANT");
    assertThat(outlived).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("req-1");
      assertThat(a.getEvidence()).containsExactly("ct-late");
      assertThat(a.getSeverity()).isEqualTo("high");
      assertThat(a.getSummary()).contains("iam:CreateAccessKey").contains("2025-03-01T10:10:00Z")
          .contains("last allowed time with skew: 2025-03-01T10:12:00Z");
    });
    assertThat(entry(r, "ct-late").getDetails()).contains("\"afterGrantEnd\":true");
    assertThat(entry(r, "ct-edge").getDetails()).doesNotContain("afterGrantEnd");
  }

  @Test
  void theSameUserThroughAnotherPermissionSetIsNotTheGrantsSession() {
    ReplayResult r = jitGrant(true).then(
        expiry("req-1", "revoked", at(10)),
        sessionCall("ct-ro", ACCOUNT, at(20), READONLY_ROLE, "alice", "ASIAALICERO", "s3.amazonaws.com", "GetObject",
            null)).tick(at(120)).run();

    assertThat(Scenario.alertsOf(r, "SESSION_OUTLIVED_GRANT")).isEmpty();
    assertThat(entry(r, "ct-ro").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void aSignInAfterTheGrantEndedTellsTheSweeperTheAssignmentIsStillThere() {
    ReplayResult r = jitGrant(true).then(
        expiry("req-1", "revoked", at(10)),
        samlSignIn("ct-saml-late", ACCOUNT, at(20), ADMIN_ROLE, "alice", "ASIAALICE2")).tick(at(120)).run();

    assertThat(Scenario.alertsOf(r, "SESSION_OUTLIVED_GRANT")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly("ct-saml-late"));
    assertThat(r.revokeCommands()).filteredOn(c -> c.getReason().contains("ct-saml-late")).singleElement()
        .satisfies(c -> {
          assertThat(c.getTrigger()).isEqualTo("expiry");
          assertThat(c.getRequestId()).isEqualTo("req-1");
          assertThat(c.getAssignment().getPermissionSetArn()).isEqualTo(SessionEvents.ADMIN_PS);
        });
  }

  @Test
  void namesFromThePolicyTableAttributeWithoutAnyLookUp() {
    Policy p = Policy.defaults().toBuilder().identityCenterNames(Map.of(SessionEvents.ADMIN_PS, "BreakGlassAdmin",
        "u-alice", "alice")).build();
    ReplayResult r = jitGrant(false).policy(p).then(
        sessionCall("ct-1", ACCOUNT, at(5), ADMIN_ROLE, "alice", "ASIAALICE1", "s3.amazonaws.com", "GetObject",
            null)).tick(at(120)).run();

    assertThat(entry(r, "ct-1").getCorrelationId()).isEqualTo("req-1");
  }

  @Test
  void withUnknownNamesTheCallsStayWithTheAccountAndTheTimelineGainsNothing() {
    ReplayResult r = jitGrant(false).then(
        sessionCall("ct-1", ACCOUNT, at(5), ADMIN_ROLE, "alice", "ASIAALICE1", "s3.amazonaws.com", "GetObject",
            null)).tick(at(120)).run();

    assertThat(entry(r, "ct-1").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
    assertThat(r.timeline()).filteredOn(e -> "req-1".equals(e.getCorrelationId()) && "event".equals(e.getKind()))
        .extracting(TimelineEntry::getSource).containsOnly("gateway");
  }

  @Test
  void anEmergencyRoleAssumedUnderACoveringRequestIsFiledUnderItWithoutAlert() {
    ReplayResult r = jitGrant(false).policy(emergencyPolicy()).then(
        assumeRole("ct-assume", ACCOUNT, at(2), EMERGENCY, "incident-42", "alice", 900, "ASIAEMERG1"),
        sessionCall("ct-decrypt", ACCOUNT, at(3), "break-glass-emergency", "incident-42", "ASIAEMERG1",
            "kms.amazonaws.com", "Decrypt", "{\"keyId\":\"arn:aws:kms:us-east-1:" + ACCOUNT
                + ":key/1234abcd-12ab-34cd-56ef-1234567890ab\"}")).tick(at(120)).run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).doesNotContain("EMERGENCY_ROLE_WITHOUT_REQUEST",
        "UNLISTED_BREAK_GLASS_PRINCIPAL", "EXCESSIVE_DURATION", "SESSION_OUTLIVED_GRANT");
    assertThat(entry(r, "ct-assume").getCorrelationId()).isEqualTo("req-1");
    assertThat(entry(r, "ct-decrypt").getCorrelationId()).isEqualTo("req-1");
    assertThat(entry(r, "ct-decrypt").getDetails()).contains("\"kmsKey\":\"arn:aws:kms:");
  }

  @Test
  void anEmergencyRoleAssumedByAnotherSubjectThanTheRequestsIsCritical() {
    ReplayResult r = jitGrant(false).policy(emergencyPolicy()).then(
        assumeRole("ct-assume", ACCOUNT, at(2), EMERGENCY, "mallory", null, null, "ASIAEMERG2"),
        sessionCall("ct-call", ACCOUNT, at(3), "break-glass-emergency", "mallory", "ASIAEMERG2",
            "s3.amazonaws.com", "GetObject", null)).tick(at(120)).run();

    assertThat(Scenario.alertsOf(r, "EMERGENCY_ROLE_WITHOUT_REQUEST")).singleElement().satisfies(a -> {
      assertThat(a.getSeverity()).isEqualTo("critical");
      assertThat(a.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
      assertThat(a.getSubject()).isEqualTo("mallory");
      assertThat(a.getEvidence()).containsExactly("ct-assume");
      // decided once the decision delay (5 min) passed after the AssumeRole at minute 2
      assertThat(a.getDetectedAt()).isAfterOrEqualTo(at(7));
    });
    assertThat(entry(r, "ct-call").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void aRequestApprovedAfterTheAssumeRoleWithinTheDecisionDelayStillCoversIt() {
    ReplayResult r = Scenario.create().policy(emergencyPolicy()).then(
        assumeRole("ct-assume", ACCOUNT, at(0.5), EMERGENCY, "alice", "alice", null, "ASIAEMERG3"),
        request("req-1", "alice", ACCOUNT, "jit", at(0)),
        approval("req-1", "carol", "incident_command", at(1)),
        approval("req-1", "dave", "security", at(1.5)),
        grant("req-1", "tok-1", at(2), Duration.ofMinutes(30), true, null),
        sessionCall("ct-call", ACCOUNT, at(4), "break-glass-emergency", "alice", "ASIAEMERG3", "s3.amazonaws.com",
            "GetObject", null)).tick(at(120)).run();

    assertThat(Scenario.alertsOf(r, "EMERGENCY_ROLE_WITHOUT_REQUEST")).isEmpty();
    assertThat(entry(r, "ct-call").getCorrelationId()).isEqualTo("req-1");
  }

  @Test
  void anEmergencyRoleWithNoRequestAtAllIsCriticalAndAnUnlistedSubjectIsToo() {
    Policy p = emergencyPolicy().toBuilder().breakGlassPrincipals(List.of("alice")).build();
    ReplayResult r = Scenario.create().policy(p).then(
        assumeRole("ct-assume", ACCOUNT, at(0), EMERGENCY, "eve-session", "eve", 7200, "ASIAEMERG4"))
        .tick(at(120)).run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactlyInAnyOrder(
        "EMERGENCY_ROLE_WITHOUT_REQUEST", "UNLISTED_BREAK_GLASS_PRINCIPAL", "EXCESSIVE_DURATION");
    assertThat(Scenario.alertsOf(r, "EXCESSIVE_DURATION")).singleElement()
        .satisfies(a -> assertThat(a.getSummary()).contains("asking for a session of 120 min, above the maximum 60 min"));
  }

  @Test
  void anAssumeRoleOfARoleNotListedIsNoBreakGlass() {
    ReplayResult r = Scenario.create().policy(emergencyPolicy()).then(
        assumeRole("ct-assume", ACCOUNT, at(0), "arn:aws:iam::" + ACCOUNT + ":role/ci-deployer", "build-7", null, 7200,
            "ASIACI")).tick(at(120)).run();

    assertThat(r.alerts()).isEmpty();
    assertThat(entry(r, "ct-assume").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }
}
