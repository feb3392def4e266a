package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootCall;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.rootPasswordUpdated;
import static io.glasswatch.streams.testing.Events.rotation;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.Hashing;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RotationOverdueTest {
  private static final double DAY = 24 * 60;

  /** An unauthorized root session at minutes 0-10. */
  private static Scenario unauthorizedSession() {
    return Scenario.create().then(
        rootLogin("ct-r1", ACCOUNT, at(0), "YES", true),
        rootCall("ct-r2", ACCOUNT, at(10), "s3.amazonaws.com", "ListBuckets", null, null));
  }

  /** An authorized root session under req-r: grant 1-31, root login at 2, grant expired at 20. */
  private static Scenario authorizedSession() {
    return Scenario.create().then(
        request("req-r", "alice", ACCOUNT, "root", at(0)),
        approval("req-r", "bob", "incident_command", at(0.5)),
        approval("req-r", "dana", "security", at(0.5)),
        grant("req-r", "tok-r", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
        declaration(ACCOUNT, "req-r", at(1.5), 30),
        rootLogin("ct-a1", ACCOUNT, at(2), "YES", true),
        expiry("req-r", "revoked", at(20)));
  }

  @Test
  void firesOnceWhenStreamTimePassesTheDeadlineAfterAnUnauthorizedSession() {
    ReplayResult before = unauthorizedSession().tick(at(10 + DAY - 0.1)).run();
    assertThat(Scenario.alertsOf(before, "ROTATION_OVERDUE")).isEmpty();

    ReplayResult r = unauthorizedSession().tick(at(10 + DAY)).tick(at(10 + 2 * DAY)).run();
    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
      assertThat(a.getEvidence()).containsExactly("ct-r1", "ct-r2");
      assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("ROTATION_OVERDUE", "account:" + ACCOUNT, "ct-r1"));
      assertThat(a.getSeverity()).isEqualTo("high");
      assertThat(a.getActions()).containsExactly("page", "revoke");
      assertThat(a.getRevokedRequestIds()).isEmpty();
      assertThat(a.getEventTime()).isEqualTo(at(10 + DAY));
    });
  }

  @Test
  void rotationWithin24HoursOfTheSessionEndIsEnough() {
    ReplayResult r = unauthorizedSession().then(rotation(ACCOUNT, "root_password", at(10 + DAY - 1)))
        .tick(at(10 + 2 * DAY)).run();

    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).isEmpty();
    assertThat(Scenario.entry(r, "gateway:account:" + ACCOUNT + "/rotation/1").getCorrelationId())
        .isEqualTo("account:" + ACCOUNT);
  }

  @Test
  void rotationAfterTheDeadlineIsTooLate() {
    ReplayResult r = unauthorizedSession().then(rotation(ACCOUNT, "root_password", at(10 + DAY + 1))).run();

    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).hasSize(1);
  }

  @Test
  void credentialChangeInsideAnUnauthorizedSessionIsNotRotation() {
    ReplayResult r = unauthorizedSession()
        .then(rootPasswordUpdated("ct-r3", ACCOUNT, at(11)),
            rootCall("ct-r4", ACCOUNT, at(12), "iam.amazonaws.com", "CreateAccessKey", null,
                "{\"accessKey\":{\"accessKeyId\":\"AKIAEXAMPLE\",\"status\":\"Active\"}}"))
        .tick(at(12 + DAY))
        .run();

    Alert a = Scenario.alertsOf(r, "ROTATION_OVERDUE").get(0);
    assertThat(a.getEvidence()).contains("ct-r3", "ct-r4");
  }

  @Test
  void authorizedRootPasswordChangeCountsAsRotation() {
    ReplayResult r = authorizedSession()
        .then(rootPasswordUpdated("ct-a2", ACCOUNT, at(5)))
        .tick(at(20 + 2 * DAY))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void authorizedSessionWithoutRotationRaisesUnderTheRequestAfterTheGrantEnded() {
    ReplayResult before = authorizedSession().tick(at(20 + DAY - 0.1)).run();
    assertThat(Scenario.alertsOf(before, "ROTATION_OVERDUE")).isEmpty();

    ReplayResult r = authorizedSession().tick(at(20 + DAY)).run();
    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("req-r");
      assertThat(a.getRequestId()).isEqualTo("req-r");
      assertThat(a.getEvidence()).containsExactly("ct-a1");
      assertThat(a.getRevokedRequestIds()).as("the grant already ended").isEmpty();
    });
    assertThat(r.revokeCommands()).as("only the expiry sweep of the ended grant").singleElement()
        .satisfies(c -> assertThat(c.getTrigger()).isEqualTo("expiry"));
  }

  @Test
  void grantWithoutRootActivityNeedsNoRotation() {
    ReplayResult r = Scenario.create()
        .then(request("req-q", "alice", ACCOUNT, "root", at(0)),
            approval("req-q", "bob", "incident_command", at(0.5)),
            approval("req-q", "dana", "security", at(0.5)),
            grant("req-q", "tok-q", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(3 * DAY))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void aRotationAfterTheAlertResolvesItInTheAlertsTimeline() {
    ReplayResult r = unauthorizedSession().tick(at(10 + DAY))
        .then(rotation(ACCOUNT, "root_password", at(10 + DAY + 30)))
        .run();

    Alert a = Scenario.alertsOf(r, "ROTATION_OVERDUE").get(0);
    var resolved = Scenario.entry(r, "resolution:" + a.getAlertId());
    assertThat(resolved).isNotNull();
    assertThat(resolved.getAction()).isEqualTo("alert_resolved");
    assertThat(resolved.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
    assertThat(resolved.getAlertId()).isEqualTo(a.getAlertId());
    assertThat(resolved.getMessage()).contains("account:" + ACCOUNT + "/rotation/1");
  }

  @Test
  void theIntrudersPasswordChangeAfterTheAlertNeverResolvesIt() {
    ReplayResult r = unauthorizedSession().tick(at(10 + DAY))
        .then(rootPasswordUpdated("ct-r9", ACCOUNT, at(10 + DAY + 30)))
        .tick(at(10 + 3 * DAY))
        .run();

    Alert a = Scenario.alertsOf(r, "ROTATION_OVERDUE").get(0);
    assertThat(Scenario.entry(r, "resolution:" + a.getAlertId())).isNull();
  }

  @Test
  void anAuthorizedPasswordChangeAfterTheAlertResolvesTheRequestsAlert() {
    ReplayResult r = authorizedSession().tick(at(20 + DAY))
        .then(request("req-s", "alice", ACCOUNT, "root", at(20 + DAY + 10)),
            approval("req-s", "bob", "incident_command", at(20 + DAY + 10.5)),
            approval("req-s", "dana", "security", at(20 + DAY + 10.5)),
            grant("req-s", "tok-s", at(20 + DAY + 11), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            rootPasswordUpdated("ct-a9", ACCOUNT, at(20 + DAY + 12)))
        .tick(at(20 + DAY + 20))
        .run();

    Alert a = Scenario.alertsOf(r, "ROTATION_OVERDUE").get(0);
    var resolved = Scenario.entry(r, "resolution:" + a.getAlertId());
    assertThat(resolved).isNotNull();
    assertThat(resolved.getCorrelationId()).isEqualTo("req-r");
    assertThat(resolved.getMessage()).contains("ct-a9");
  }
}
