package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.ContainResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionWatchTest {
  private static final String ACCOUNT = "123456789012";
  private static final Instant DENIED_BEFORE = Instant.parse("2026-12-07T01:00:00Z");
  private static final Instant CONFIRMED = Instant.parse("2026-12-07T01:00:03Z");
  private static final String SSO_ARN = "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_BreakGlass_0123abcd/jdoe";

  static ContainResult contained(String targetType, String target, String session) {
    return ContainResult.newBuilder().setCommandId("contain:c1").setCorrelationId("req-1").setTrigger("revoke")
        .setAccountId(ACCOUNT).setTargetType(targetType).setTargetArn(target).setPrincipalId("user-1")
        .setSessionName(session).setStatementSid("GlasswatchContain0000000000000000").setDeniedBefore(DENIED_BEFORE)
        .setOutcome("CONTAINED").setStartedAt(DENIED_BEFORE).setCompletedAt(CONFIRMED)
        .setCleanupAfter(DENIED_BEFORE.plusSeconds(3600)).build();
  }

  static CloudTrailEvent event(String id, String arn, Instant at, String created, String errorCode) {
    String record = "{\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"" + arn + "\",\"accessKeyId\":\"ASIA" + id
        + "\"" + (created == null ? "" : ",\"sessionContext\":{\"attributes\":{\"creationDate\":\"" + created + "\"}}")
        + "}}";
    return CloudTrailEvent.newBuilder().setEventID(id).setEventTime(at).setEventSource("s3.amazonaws.com")
        .setEventName("ListBuckets").setRecipientAccountId(ACCOUNT).setUserIdentityArn(arn).setAccessKeyId("ASIA" + id)
        .setErrorCode(errorCode).setRecord(record).build();
  }

  @Test
  void aDeniedCallOfTheContainedSessionConfirmsOnceAndALaterSuccessIsAFailure() {
    SessionWatch w = new SessionWatch();
    w.watch(contained("PERMISSION_SET", "arn:aws:sso:::permissionSet/ssoins-1/ps-1", "jdoe"));

    List<SessionWatch.Verdict> denied = w.judge(event("e1", SSO_ARN, CONFIRMED.plusSeconds(5), "2026-12-07T00:40:00Z",
        "AccessDenied"), CONFIRMED);
    List<SessionWatch.Verdict> again = w.judge(event("e2", SSO_ARN, CONFIRMED.plusSeconds(6), "2026-12-07T00:40:00Z",
        "AccessDenied"), CONFIRMED);
    List<SessionWatch.Verdict> success = w.judge(event("e3", SSO_ARN, CONFIRMED.plusSeconds(7), "2026-12-07T00:40:00Z",
        null), CONFIRMED);

    assertThat(denied).singleElement().satisfies(v -> assertThat(v.denied()).isTrue());
    assertThat(again).isEmpty();
    assertThat(success).singleElement().satisfies(v -> {
      assertThat(v.denied()).isFalse();
      assertThat(v.event().getEventID()).isEqualTo("e3");
    });
  }

  @Test
  void ignoresSessionsIssuedAfterTheDenyOtherUsersAndCallsBeforeConfirmation() {
    SessionWatch w = new SessionWatch();
    w.watch(contained("PERMISSION_SET", "arn:aws:sso:::permissionSet/ssoins-1/ps-1", "jdoe"));

    // a new session (issued after the deny) is not contained: its success is no failure
    assertThat(w.judge(event("n1", SSO_ARN, CONFIRMED.plusSeconds(9), "2026-12-07T01:00:05Z", null), CONFIRMED)).isEmpty();
    // another user's session of the same permission set is not named by the statement
    String other = SSO_ARN.replace("/jdoe", "/asmith");
    assertThat(w.judge(event("n2", other, CONFIRMED.plusSeconds(9), "2026-12-07T00:40:00Z", null), CONFIRMED)).isEmpty();
    // a success before the containment was confirmed is the session's last allowed call
    assertThat(w.judge(event("n3", SSO_ARN, CONFIRMED.minusSeconds(1), "2026-12-07T00:40:00Z", null), CONFIRMED)).isEmpty();
    // another account
    assertThat(w.judge(event("n4", SSO_ARN.replace(ACCOUNT, "210987654321"), CONFIRMED.plusSeconds(9),
        "2026-12-07T00:40:00Z", null), CONFIRMED)).isEmpty();
  }

  @Test
  void aRoleContainmentMatchesEveryOlderSessionOfTheRoleAndEndsAtCleanUp() {
    SessionWatch w = new SessionWatch();
    w.watch(contained("IAM_ROLE", "arn:aws:iam::" + ACCOUNT + ":role/ops/EmergencyAdmin", null));
    String arn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/EmergencyAdmin/anyone";

    assertThat(w.judge(event("r1", arn, CONFIRMED.plusSeconds(2), "2026-12-07T00:59:00Z", null), CONFIRMED)).hasSize(1);
    assertThat(w.judge(event("r2", arn.replace("EmergencyAdmin", "Other"), CONFIRMED.plusSeconds(2),
        "2026-12-07T00:59:00Z", "AccessDenied"), CONFIRMED)).isEmpty();
    assertThat(w.judge(event("r3", arn, CONFIRMED.plusSeconds(2), "2026-12-07T00:59:00Z", "AccessDenied"),
        DENIED_BEFORE.plusSeconds(3601))).isEmpty();
    assertThat(w.size()).isZero();
  }

  @Test
  void aRecordWithoutCreationDateCountsWhenItsKeyWasSeenAsOld() {
    SessionWatch w = new SessionWatch();
    w.watch(contained("PERMISSION_SET", "arn:aws:sso:::permissionSet/ssoins-1/ps-1", "jdoe"));
    CloudTrailEvent first = event("k1", SSO_ARN, CONFIRMED.minusSeconds(30), "2026-12-07T00:40:00Z", null);
    assertThat(w.judge(first, CONFIRMED)).isEmpty();
    CloudTrailEvent noDate = CloudTrailEvent.newBuilder(event("k1", SSO_ARN, CONFIRMED.plusSeconds(4), null,
        "AccessDenied")).setEventID("k2").build();
    assertThat(w.judge(noDate, CONFIRMED)).singleElement().satisfies(v -> assertThat(v.denied()).isTrue());
    CloudTrailEvent unknownKey = CloudTrailEvent.newBuilder(event("zz", SSO_ARN, CONFIRMED.plusSeconds(4), null, null))
        .build();
    assertThat(w.judge(unknownKey, CONFIRMED)).isEmpty();
  }
}
