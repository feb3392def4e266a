package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NoticesContainTest {
  static RevokeResult step(String step, String message) {
    Instant now = Instant.parse("2026-12-07T01:00:00Z");
    return RevokeResult.newBuilder().setCommandId("contain:rc-1").setRequestId("req-1").setCorrelationId("req-1")
        .setTrigger("revoke").setOutcome("IN_PROGRESS").setAttempts(0).setCommandIssuedAt(now).setStartedAt(now)
        .setCompletedAt(now).setStep(step).setStepSeq(4).setMessage(message).build();
  }

  @Test
  void aContainedStepIsAnInfoNoticeTitledWithItsTime() {
    Notice n = Notices.ofRevokeResult(step("contain_contained", "Sessions contained in 2.1 s: the sessions of user u"),
        Links.NONE).orElseThrow();
    assertThat(n.title()).isEqualTo("Sessions contained in 2.1 s");
    assertThat(n.severity()).isEqualTo("info");
    assertThat(n.key()).isEqualTo("contain:contain:rc-1:contain_contained");
    assertThat(Notices.notification(n)).isEqualTo("sessions contained");
  }

  @Test
  void aFailedOrStillWorkingSessionIsCritical() {
    Notice n = Notices.ofRevokeResult(step("contain_session_succeeded", "A contained session still works"), Links.NONE)
        .orElseThrow();
    assertThat(n.severity()).isEqualTo("critical");
    assertThat(n.alertType()).isEqualTo("CONTAINMENT_FAILED");
    assertThat(Notices.notification(n)).isEqualTo("containment failed");
  }

  @Test
  void intermediateStepsAreNoNotice() {
    assertThat(Notices.ofRevokeResult(step("contain_policy_written", "x"), Links.NONE)).isEmpty();
    assertThat(Notices.ofRevokeResult(step("contain_provisioning", "x"), Links.NONE)).isEmpty();
  }
}
