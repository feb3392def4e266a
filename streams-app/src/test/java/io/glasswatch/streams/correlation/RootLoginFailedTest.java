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
import static org.assertj.core.api.Assertions.tuple;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.catalogue.AlertPolicy;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.catalogue.Severity;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootLoginFailedTest {
  @Test
  void failedRootSignInWithoutCoveringGrantRaisesAfterTheDecisionDelay() {
    // no covering grant can arrive after the end of the input: the end decides at the last stream time
    // (SPEC 5), before the decision delay would
    ReplayResult early = Scenario.create().then(rootLogin("ct-f1", ACCOUNT, at(0), "NO", false)).tick(at(4.9)).run();
    assertThat(early.alerts()).extracting(a -> a.getAlertType(), a -> a.getDetectedAt())
        .containsExactly(tuple("ROOT_LOGIN_FAILED", at(4.9)));

    ReplayResult r = Scenario.create().then(rootLogin("ct-f1", ACCOUNT, at(0), "NO", false)).tick(at(5)).run();

    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getAlertType()).isEqualTo("ROOT_LOGIN_FAILED");
      assertThat(a.getSeverity()).isEqualTo("high");
      assertThat(a.getActions()).containsExactly("notify");
      assertThat(a.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
      assertThat(a.getRequestId()).isNull();
      assertThat(a.getEvidence()).containsExactly("ct-f1");
      assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("ROOT_LOGIN_FAILED", "account:" + ACCOUNT, "ct-f1"));
      assertThat(a.getEventTime()).isEqualTo(at(0));
      assertThat(a.getDetectedAt()).isEqualTo(at(5));
      assertThat(a.getRunbook()).isEqualTo("docs/runbooks.md#root-login-failed");
      assertThat(a.getSummary()).contains("failed", "198.51.100.7");
    });
    assertThat(r.revokeCommands()).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-f1").getCorrelationId()).isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void failedRootSignInInsideAGrantWindowIsNotAnAlert() {
    ReplayResult r = Scenario.create()
        .then(request("req-f", "alice", ACCOUNT, "root", at(0)),
            approval("req-f", "bob", "incident_command", at(0.5)),
            approval("req-f", "carol", "security", at(0.6)),
            grant("req-f", "tok-f", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            declaration(ACCOUNT, "req-f", at(1), 30),
            rootLogin("ct-f2", ACCOUNT, at(2), "YES", false))
        .tick(at(60))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-f2").getCorrelationId()).isEqualTo("req-f");
  }

  @Test
  void aGrantArrivingWithinTheDecisionDelaySuppressesIt() {
    ReplayResult r = Scenario.create()
        .then(request("req-f", "alice", ACCOUNT, "root", at(-1)),
            rootLogin("ct-f3", ACCOUNT, at(0), "NO", false),
            approval("req-f", "bob", "incident_command", at(3)),
            approval("req-f", "carol", "security", at(3.1)),
            grant("req-f", "tok-f", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(30))
        .run();

    assertThat(Scenario.alertsOf(r, "ROOT_LOGIN_FAILED")).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-f3").getCorrelationId()).isEqualTo("req-f");
  }

  @Test
  void eachFailedSignInIsAlertedOnceEvenWhenReDelivered() {
    CloudTrailEvent first = rootLogin("ct-f4", ACCOUNT, at(0), "NO", false);
    ReplayResult r = Scenario.create()
        .then(first, rootLogin("ct-f5", ACCOUNT, at(1), "NO", false), first, rootLogin("ct-f6", ACCOUNT, at(2), "NO", false))
        .tick(at(10))
        .tick(at(20))
        .run();

    List<Alert> failed = Scenario.alertsOf(r, "ROOT_LOGIN_FAILED");
    assertThat(failed).extracting(a -> a.getEvidence().get(0)).containsExactly("ct-f4", "ct-f5", "ct-f6");
    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).as("failed sign-ins open no session").isEmpty();
  }

  @Test
  void aFailedRootCallOtherThanASignInIsOnlyRecorded() {
    CloudTrailEvent denied = CloudTrailEvent.newBuilder(rootCall("ct-f7", ACCOUNT, at(0), "cloudtrail.amazonaws.com",
        "StopLogging", null, null)).setErrorCode("AccessDenied").build();
    ReplayResult r = Scenario.create().then(denied).tick(at(30)).run();

    assertThat(r.alerts()).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-f7").getOutcome()).isEqualTo("failure");
  }

  @Test
  void theAccountsPolicyDecidesSeverityAndDelay() {
    Policy strict = Policy.defaults().toBuilder().decisionDelay(Duration.ofMinutes(1))
        .alert(AlertType.ROOT_LOGIN_FAILED, new AlertPolicy(Severity.CRITICAL, AlertType.ROOT_LOGIN_FAILED.defaultActions(),
            "docs/runbooks.md#root-login-failed"))
        .build();
    Policy policy = Policy.defaults().toBuilder().account(ACCOUNT, strict).build();

    ReplayResult r = Scenario.create().policy(policy)
        .then(rootLogin("ct-f8", ACCOUNT, at(0), "NO", false), rootLogin("ct-f9", "444455556666", at(0), "NO", false))
        .tick(at(1))
        .tick(at(3))
        .run();

    // the account with a 1 min delay is decided at minute 1; the other account's 5 min delay has not
    // passed when the input ends at minute 3, so the end of input decides it then (SPEC 5), as high
    assertThat(r.alerts()).extracting(a -> a.getAccountId(), a -> a.getSeverity(), a -> a.getDetectedAt())
        .containsExactly(tuple(ACCOUNT, "critical", at(1)), tuple("444455556666", "high", at(3)));
  }
}
