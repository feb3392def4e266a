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
import static io.glasswatch.streams.testing.Events.rootUsageFinding;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnauthorizedRootUseTest {
  private static final String OTHER = "444455556666";

  /** An approved root request granted at minute 10 for 30 minutes, declared for an hour. */
  private static Scenario rootGrant(String requestId) {
    return Scenario.create().then(
        request(requestId, "alice", ACCOUNT, "root", at(9)),
        approval(requestId, "bob", "incident_command", at(9.5)),
        approval(requestId, "dana", "security", at(9.5)),
        grant(requestId, "tok-" + requestId, at(10), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
        declaration(ACCOUNT, requestId, at(10), 60));
  }

  @Test
  void rootLoginWithoutCoveringGrantRaisesAfterTheDecisionDelay() {
    ReplayResult early = Scenario.create()
        .then(rootLogin("ct-1", ACCOUNT, at(0), "YES", true))
        .tick(at(4.9))
        .run();
    // no covering grant can arrive after the end of the input: the end decides the pending root event
    // at the last stream time and files it (SPEC 5)
    assertThat(Scenario.alertsOf(early, "UNAUTHORIZED_ROOT_USE")).singleElement()
        .satisfies(a -> assertThat(a.getDetectedAt()).as("decided by the end of input").isEqualTo(at(4.9)));
    assertThat(Scenario.entry(early, "cloudtrail:ct-1").getCorrelationId()).as("filed at the end of input")
        .isEqualTo("account:" + ACCOUNT);

    ReplayResult r = Scenario.create()
        .then(rootLogin("ct-1", ACCOUNT, at(0), "YES", true),
            rootCall("ct-2", ACCOUNT, at(2), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(5))
        .run();
    List<Alert> alerts = Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE");
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getSeverity()).isEqualTo("critical");
    assertThat(a.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
    assertThat(a.getRequestId()).isNull();
    assertThat(a.getAccountId()).isEqualTo(ACCOUNT);
    assertThat(a.getEvidence()).containsExactly("ct-1", "ct-2");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("UNAUTHORIZED_ROOT_USE", "account:" + ACCOUNT, "ct-1"));
    assertThat(a.getEventTime()).isEqualTo(at(0));
    assertThat(a.getDetectedAt()).isEqualTo(at(5));
    assertThat(a.getActions()).containsExactly("page", "revoke");
    assertThat(a.getRunbook()).isEqualTo("docs/runbooks.md#unauthorized-root-use");
    assertThat(Scenario.entry(r, "cloudtrail:ct-1").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void rootLoginOneMinuteInsideTheGrantWindowIsAuthorized() {
    ReplayResult r = rootGrant("req-root")
        .then(rootLogin("ct-10", ACCOUNT, at(11), "YES", true))
        .tick(at(60))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    TimelineEntry login = Scenario.entry(r, "cloudtrail:ct-10");
    assertThat(login.getCorrelationId()).isEqualTo("req-root");
    assertThat(login.getRequestId()).isEqualTo("req-root");
  }

  @Test
  void skewExtendsTheWindowByTwoMinutesOnEachSide() {
    ReplayResult inside = rootGrant("req-root")
        .then(rootLogin("ct-11", ACCOUNT, at(8.1), "YES", true), rootLogin("ct-12", ACCOUNT, at(41.9), "YES", true))
        .tick(at(60))
        .run();
    assertThat(inside.alerts()).isEmpty();

    ReplayResult outside = rootGrant("req-root")
        .then(rootLogin("ct-13", ACCOUNT, at(42.1), "YES", true))
        .tick(at(60))
        .run();
    assertThat(Scenario.alertsOf(outside, "UNAUTHORIZED_ROOT_USE")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly("ct-13"));
  }

  @Test
  void approvalAndGrantArrivingAfterTheLoginButWithinTheDecisionDelayAuthorizeIt() {
    ReplayResult r = Scenario.create()
        .then(request("req-late", "alice", ACCOUNT, "root", at(-1)),
            rootLogin("ct-20", ACCOUNT, at(0), "YES", true),
            userCall("ct-21", ACCOUNT, at(3), "DescribeInstances"),
            approval("req-late", "bob", "incident_command", at(3.5)),
            approval("req-late", "dana", "security", at(3.5)),
            grant("req-late", "tok-late", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(20))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-20").getCorrelationId()).isEqualTo("req-late");
    assertThat(Scenario.entry(r, "cloudtrail:ct-21").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void grantArrivingAfterTheDecisionDelayIsTooLate() {
    ReplayResult r = Scenario.create()
        .then(request("req-late", "alice", ACCOUNT, "root", at(-1)),
            rootLogin("ct-22", ACCOUNT, at(0), "YES", true),
            userCall("ct-23", ACCOUNT, at(6), "DescribeInstances"),
            approval("req-late", "bob", "incident_command", at(6.5)),
            approval("req-late", "dana", "security", at(6.5)),
            grant("req-late", "tok-late", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).hasSize(1);
  }

  @Test
  void lateRecordCoveredByAKnownGrantIsAuthorized() {
    ReplayResult r = rootGrant("req-root")
        .then(io.glasswatch.streams.testing.Events.userCall("ct-14", ACCOUNT, at(45), "DescribeInstances"),
            // delivered 34 minutes late, long after its decision delay
            rootLogin("ct-15", ACCOUNT, at(11), "YES", true))
        .tick(at(60))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-15").getCorrelationId()).isEqualTo("req-root");
  }

  @Test
  void rootActivityAfterAConfirmedRevocationIsUnauthorized() {
    RevokeCommand manual = RevokeCommand.newBuilder().setCommandId("cmd-m").setRequestId("req-root")
        .setCorrelationId("req-root").setTrigger("manual").setReason("operator").setIssuedAt(at(15)).build();
    ReplayResult r = rootGrant("req-root")
        .then(io.glasswatch.streams.testing.Events.result(manual, "CONFIRMED", at(15.1)),
            rootLogin("ct-16", ACCOUNT, at(12), "YES", true),
            rootLogin("ct-17", ACCOUNT, at(18), "YES", true))
        .tick(at(60))
        .run();

    assertThat(Scenario.entry(r, "cloudtrail:ct-16").getCorrelationId()).isEqualTo("req-root");
    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly("ct-17"));
  }

  @Test
  void unapprovedGrantDoesNotCover() {
    ReplayResult r = Scenario.create()
        .then(request("req-u", "alice", ACCOUNT, "root", at(0)),
            grant("req-u", "tok-u", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            rootLogin("ct-30", ACCOUNT, at(2), "YES", true))
        .tick(at(10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).hasSize(1);
  }

  @Test
  void anyRequestOnTheAccountCoversWhenThereIsNoRootRequest() {
    ReplayResult r = Scenario.create()
        .then(request("req-jit", "alice", ACCOUNT, "jit", at(0)),
            approval("req-jit", "bob", "security", at(0.5)),
            approval("req-jit", "dana", "incident_command", at(0.5)),
            grant("req-jit", "tok-jit", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            rootLogin("ct-31", ACCOUNT, at(2), "YES", true))
        .tick(at(10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-31").getCorrelationId()).isEqualTo("req-jit");
  }

  @Test
  void aRootRequestIsPreferredOverAnotherRequestCoveringTheSameTime() {
    ReplayResult r = Scenario.create()
        .then(request("req-jit", "alice", ACCOUNT, "jit", at(0)),
            approval("req-jit", "bob", "security", at(0.5)),
            approval("req-jit", "dana", "incident_command", at(0.5)),
            grant("req-jit", "tok-jit", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .records(rootGrant("req-root").records())
        .then(rootLogin("ct-32", ACCOUNT, at(12), "YES", true))
        .tick(at(20))
        .run();

    assertThat(Scenario.entry(r, "cloudtrail:ct-32").getCorrelationId()).isEqualTo("req-root");
  }

  @Test
  void revokesEveryActiveGrantOfTheAccountButNotOthers() {
    ReplayResult r = Scenario.create()
        .then(request("req-a", "alice", ACCOUNT, "jit", at(20)),
            approval("req-a", "bob", "security", at(20.5)),
            approval("req-a", "dana", "incident_command", at(20.5)),
            grant("req-a", "tok-a", at(21), Duration.ofHours(1), true, assignment(ACCOUNT, "user-alice")),
            request("req-b", "dave", ACCOUNT, "jit", at(20)),
            approval("req-b", "bob", "security", at(20.5)),
            approval("req-b", "dana", "incident_command", at(20.5)),
            grant("req-b", "tok-b", at(21), Duration.ofHours(1), true, null),
            request("req-c", "erin", OTHER, "jit", at(20)),
            approval("req-c", "bob", "security", at(20.5)),
            approval("req-c", "dana", "incident_command", at(20.5)),
            grant("req-c", "tok-c", at(21), Duration.ofHours(1), true, assignment(OTHER, "user-erin")),
            // a late record of an unauthorized root login: stream time (minute 21) is already past its
            // decision delay, so it is judged on arrival, while the grants are active
            rootLogin("ct-40", ACCOUNT, at(15), "YES", true))
        .tick(at(22))
        .run();

    Alert a = Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE").get(0);
    assertThat(a.getRevokedRequestIds()).containsExactly("req-a");
    assertThat(a.getSummary()).contains("1 active grant has no recorded assignment");
    assertThat(r.revokeCommands()).singleElement().satisfies(c -> {
      assertThat(c.getRequestId()).isEqualTo("req-a");
      assertThat(c.getCorrelationId()).isEqualTo("req-a");
      assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));
      assertThat(c.getCommandId()).isEqualTo(Hashing.deterministicId("revoke", a.getAlertId(), "req-a"));
      assertThat(c.getIssuedAt()).isEqualTo(at(21));
    });
    RevokeCommand c = r.revokeCommands().get(0);
    assertThat(Scenario.entry(r, "revoke:" + c.getCommandId() + ":requested").getCorrelationId()).isEqualTo("req-a");
  }

  @Test
  void laterEventsOfTheSessionGoToTheTimelineWithoutANewAlert() {
    ReplayResult r = Scenario.create()
        .then(rootLogin("ct-50", ACCOUNT, at(0), "YES", true))
        .tick(at(6))
        .then(rootCall("ct-51", ACCOUNT, at(30), "iam.amazonaws.com", "ListUsers", null, null),
            // a late CloudTrail record from inside the session, delivered after its decision delay
            rootCall("ct-52", ACCOUNT, at(1), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(50))
        .then(rootCall("ct-53", ACCOUNT, at(95), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(101))
        .run();

    List<Alert> alerts = Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE");
    assertThat(alerts).as("ct-53 is 65 minutes after ct-51: a second session").hasSize(2);
    assertThat(alerts.get(0).getEvidence()).containsExactly("ct-50");
    assertThat(alerts.get(1).getEvidence()).containsExactly("ct-53");
    assertThat(r.timeline()).extracting(TimelineEntry::getEntryId)
        .contains("cloudtrail:ct-51", "cloudtrail:ct-52");
    assertThat(Scenario.entry(r, "cloudtrail:ct-52").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void failedRootSignInIsRecordedButOpensNoSession() {
    ReplayResult r = Scenario.create()
        .then(rootLogin("ct-60", ACCOUNT, at(0), "NO", false),
            rootCall("ct-61", ACCOUNT, at(1), "cloudtrail.amazonaws.com", "StopLogging", null, null))
        .run();
    // the end of input judges both (SPEC 5): the failed sign-in is ROOT_LOGIN_FAILED, and the root
    // session (UNAUTHORIZED_ROOT_USE) holds only ct-61, the failed sign-in did not open it
    assertThat(r.alerts()).as("ct-61 is root activity, judged at the end of input")
        .extracting(a -> a.getAlertType(), a -> a.getEvidence())
        .containsExactlyInAnyOrder(tuple("ROOT_LOGIN_FAILED", List.of("ct-60")),
            tuple("UNAUTHORIZED_ROOT_USE", List.of("ct-61")));

    ReplayResult failedOnly = Scenario.create()
        .then(rootLogin("ct-60", ACCOUNT, at(0), "NO", false))
        .tick(at(30))
        .run();
    assertThat(failedOnly.alerts()).as("no root use: only the failed sign-in itself is alerted")
        .extracting(a -> a.getAlertType()).containsExactly("ROOT_LOGIN_FAILED");
    TimelineEntry e = Scenario.entry(failedOnly, "cloudtrail:ct-60");
    assertThat(e.getOutcome()).isEqualTo("failure");
    assertThat(e.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void rootActivityInvokedByAServiceIsNotRootUse() {
    var invoked = io.glasswatch.schema.CloudTrailEvent.newBuilder(
            rootCall("ct-62", ACCOUNT, at(0), "iam.amazonaws.com", "CreateServiceLinkedRole", null, null))
        .setInvokedBy("sso.amazonaws.com").build();
    var serviceEvent = io.glasswatch.schema.CloudTrailEvent.newBuilder(
            rootCall("ct-63", ACCOUNT, at(0), "health.amazonaws.com", "HealthEvent", null, null))
        .setEventType("AwsServiceEvent").build();
    ReplayResult r = Scenario.create().then(invoked, serviceEvent).tick(at(30)).run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void rootCredentialUsageFindingIsRootActivityButASampleIsNot() {
    ReplayResult r = Scenario.create()
        .then(rootUsageFinding("gd-1", ACCOUNT, at(0), false), rootUsageFinding("gd-2", OTHER, at(0), true))
        .tick(at(10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).singleElement().satisfies(a -> {
      assertThat(a.getEvidence()).containsExactly("gd-1");
      assertThat(a.getAccountId()).isEqualTo(ACCOUNT);
    });
    long updated = at(0).toEpochMilli();
    assertThat(Scenario.entry(r, "guardduty:gd-2:" + updated).getCorrelationId()).isEqualTo("account:" + OTHER);
    assertThat(Scenario.entry(r, "guardduty:gd-1:" + updated).getSourceIp()).isEqualTo("198.51.100.9");
  }
}
