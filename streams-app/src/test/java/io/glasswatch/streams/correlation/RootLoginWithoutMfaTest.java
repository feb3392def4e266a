package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RootLoginWithoutMfaTest {
  private static Scenario rootGrant() {
    return Scenario.create().then(
        request("req-m", "alice", ACCOUNT, "root", at(0)),
        approval("req-m", "bob", "incident_command", at(1)),
        approval("req-m", "dana", "security", at(1)),
        grant("req-m", "tok-m", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
        declaration(ACCOUNT, "req-m", at(2), 30));
  }

  @Test
  void authorizedRootLoginWithoutMfaIsFiledUnderTheRequest() {
    ReplayResult r = rootGrant().then(rootLogin("ct-m1", ACCOUNT, at(3), "No", true)).tick(at(20)).run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    assertThat(Scenario.alertsOf(r, "ROOT_LOGIN_WITHOUT_MFA")).singleElement().satisfies(a -> {
      assertThat(a.getSeverity()).isEqualTo("high");
      assertThat(a.getCorrelationId()).isEqualTo("req-m");
      assertThat(a.getRequestId()).isEqualTo("req-m");
      assertThat(a.getSubject()).isEqualTo("alice");
      assertThat(a.getEvidence()).containsExactly("ct-m1");
      assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("ROOT_LOGIN_WITHOUT_MFA", "req-m", "ct-m1"));
      assertThat(a.getActions()).containsExactly("page");
      assertThat(a.getDetectedAt()).isEqualTo(at(3));
    });
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void unauthorizedRootLoginWithoutMfaIsFiledUnderTheAccountWithTheRootUseAlert() {
    ReplayResult r = Scenario.create().then(rootLogin("ct-m2", ACCOUNT, at(0), null, true)).tick(at(5)).run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType())
        .containsExactly("UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA");
    assertThat(Scenario.alertsOf(r, "ROOT_LOGIN_WITHOUT_MFA").get(0).getCorrelationId())
        .isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void rootLoginWithMfaInAnyCaseIsFine() {
    ReplayResult r = rootGrant()
        .then(rootLogin("ct-m3", ACCOUNT, at(3), "Yes", true), rootLogin("ct-m4", ACCOUNT, at(4), "YES", true))
        .tick(at(20))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void failedRootLoginWithoutMfaIsNotALogin() {
    ReplayResult r = Scenario.create().then(rootLogin("ct-m5", ACCOUNT, at(0), "No", false)).tick(at(20)).run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType()).containsExactly("ROOT_LOGIN_FAILED");
  }

  @Test
  void iamUserLoginWithoutMfaIsNotRoot() {
    CloudTrailEvent user = CloudTrailEvent.newBuilder(rootLogin("ct-m6", ACCOUNT, at(0), "No", true))
        .setUserIdentityType("IAMUser").setUserName("alice").build();
    ReplayResult r = Scenario.create().then(user).tick(at(20)).run();

    assertThat(r.alerts()).isEmpty();
  }
}
