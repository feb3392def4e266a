package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootCall;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootAntipatternTest {
  private static CloudTrailEvent iam(String id, double minute, String name, String params) {
    return rootCall(id, ACCOUNT, at(minute), "iam.amazonaws.com", name, params, null);
  }

  /** An approved, declared root request granted at minute 10 for an hour. */
  private static Scenario rootGrant() {
    return Scenario.create().then(
        request("req-a", "alice", ACCOUNT, "root", at(9)),
        approval("req-a", "bob", "incident_command", at(9.5)),
        approval("req-a", "carol", "security", at(9.6)),
        grant("req-a", "tok-a", at(10), Duration.ofHours(1), true, assignment(ACCOUNT, "user-alice")),
        declaration(ACCOUNT, "req-a", at(10), 60));
  }

  @Test
  void unauthorizedSessionRaisesOncePerEventNameAndFoldsRepeats() {
    ReplayResult r = Scenario.create()
        .then(rootLogin("ct-1", ACCOUNT, at(0), "YES", true),
            iam("ct-2", 1, "CreateUser", "{\"userName\":\"tracy\"}"),
            iam("ct-3", 2, "CreateAccessKey", "{\"userName\":\"tracy\"}"),
            iam("ct-4", 3, "AttachUserPolicy", "{\"userName\":\"tracy\"}"),
            iam("ct-5", 4, "CreateAccessKey", "{\"userName\":\"tracy\"}"),
            iam("ct-6", 5, "ListUsers", null))
        .tick(at(30))
        .run();

    List<Alert> anti = Scenario.alertsOf(r, "ROOT_ANTIPATTERN");
    assertThat(anti).extracting(a -> a.getEvidence().get(0)).containsExactly("ct-2", "ct-3", "ct-4");
    Alert key = anti.get(1);
    assertThat(key.getSeverity()).isEqualTo("high");
    assertThat(key.getActions()).containsExactly("page", "revoke");
    assertThat(key.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
    assertThat(key.getRequestId()).isNull();
    assertThat(key.getRevokedRequestIds()).isEmpty();
    assertThat(key.getAlertId()).isEqualTo(Hashing.deterministicId("ROOT_ANTIPATTERN", "account:" + ACCOUNT, "ct-3"));
    assertThat(key.getSummary()).contains("CreateAccessKey", "no covering break-glass grant");
    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).contains("ct-2", "ct-5"));
    assertThat(Scenario.entry(r, "cloudtrail:ct-5").getCorrelationId()).as("the repeat is in the timeline")
        .isEqualTo("account:" + ACCOUNT);
    assertThat(r.alerts()).extracting(Alert::getAlertType).as("the session alert comes first")
        .startsWith("UNAUTHORIZED_ROOT_USE");
  }

  @Test
  void aNewSessionRaisesTheSameCallAgain() {
    ReplayResult r = Scenario.create()
        .then(iam("ct-1", 0, "CreateUser", "{\"userName\":\"a\"}"), iam("ct-2", 70, "CreateUser", "{\"userName\":\"b\"}"))
        .tick(at(80))
        .run();

    assertThat(Scenario.alertsOf(r, "ROOT_ANTIPATTERN")).extracting(a -> a.getEvidence().get(0))
        .containsExactly("ct-1", "ct-2");
  }

  @Test
  void anS3BucketPolicyUnderAGrantIsNoAntipatternAndRevokesNothing() {
    ReplayResult r = rootGrant()
        .then(rootLogin("ct-s1", ACCOUNT, at(11), "YES", true),
            rootCall("ct-s2", ACCOUNT, at(12), "s3.amazonaws.com", "PutBucketPolicy", "{\"bucketName\":\"logs\"}", null))
        .tick(at(20))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-s2").getCorrelationId()).isEqualTo("req-a");
  }

  @Test
  void anS3BucketPolicyWithoutAGrantIsRootUseButNoAntipattern() {
    ReplayResult r = Scenario.create()
        .then(rootCall("ct-s3", ACCOUNT, at(0), "s3.amazonaws.com", "PutBucketPolicy", "{\"bucketName\":\"logs\"}", null))
        .tick(at(20))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("UNAUTHORIZED_ROOT_USE");
  }

  @Test
  void authorizedAntipatternIsFiledUnderTheRequestAndRevokesItsGrant() {
    ReplayResult r = rootGrant()
        .then(rootLogin("ct-10", ACCOUNT, at(11), "YES", true),
            iam("ct-11", 12, "PutUserPolicy", "{\"userName\":\"ops\"}"),
            iam("ct-12", 13, "PutUserPolicy", "{\"userName\":\"ops2\"}"))
        .tick(at(20))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    assertThat(Scenario.alertsOf(r, "ROOT_ANTIPATTERN")).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("req-a");
      assertThat(a.getRequestId()).isEqualTo("req-a");
      assertThat(a.getSubject()).isEqualTo("alice");
      assertThat(a.getEvidence()).containsExactly("ct-11");
      assertThat(a.getRevokedRequestIds()).containsExactly("req-a");
      assertThat(a.getDetectedAt()).as("decided on arrival, the grant covering it").isEqualTo(at(12));
    });
    assertThat(r.revokeCommands()).singleElement().satisfies(c -> {
      assertThat(c.getRequestId()).isEqualTo("req-a");
      assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));
    });
    assertThat(Scenario.entry(r, "cloudtrail:ct-12").getCorrelationId()).isEqualTo("req-a");
  }

  @Test
  void readOnlyRootCallsAreNotAnAntipattern() {
    ReplayResult r = rootGrant()
        .then(rootLogin("ct-20", ACCOUNT, at(11), "YES", true), iam("ct-21", 12, "ListUsers", null),
            iam("ct-22", 13, "GetAccountSummary", null))
        .tick(at(20))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void rootCallsThroughTheConsoleCountButCallsOfOtherServicesDoNot() {
    CloudTrailEvent console = CloudTrailEvent.newBuilder(iam("ct-30", 0, "CreateAccessKey", null))
        .setInvokedBy("signin.amazonaws.com").build();
    CloudTrailEvent byService = CloudTrailEvent.newBuilder(iam("ct-31", 0, "CreateRole", "{\"roleName\":\"x\"}"))
        .setInvokedBy("sso.amazonaws.com").build();
    ReplayResult r = Scenario.create().then(console, byService).tick(at(10)).run();

    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getAlertType()).isEqualTo("ROOT_ANTIPATTERN");
      assertThat(a.getEvidence()).containsExactly("ct-30");
    });
  }

  @Test
  void aFailedCallIsNotAnAntipattern() {
    CloudTrailEvent denied = CloudTrailEvent.newBuilder(iam("ct-40", 0, "CreateUser", "{\"userName\":\"x\"}"))
        .setErrorCode("AccessDenied").build();
    ReplayResult r = Scenario.create().then(denied).tick(at(10)).run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void theAccountsPolicyDecidesWhichCallsAreAntipatterns() {
    Policy narrow = Policy.defaults().toBuilder().rootAntipatternActions(List.of("CreateUser")).build();
    ReplayResult r = Scenario.create().policy(Policy.defaults().toBuilder().account(ACCOUNT, narrow).build())
        .then(iam("ct-50", 0, "CreateAccessKey", "{\"userName\":\"x\"}"), iam("ct-51", 1, "CreateUser", "{\"userName\":\"y\"}"))
        .tick(at(10))
        .run();

    assertThat(Scenario.alertsOf(r, "ROOT_ANTIPATTERN")).extracting(a -> a.getEvidence().get(0))
        .containsExactly("ct-51");
    assertThat(r.timeline()).extracting(TimelineEntry::getEntryId).contains("cloudtrail:ct-50");
  }
}
