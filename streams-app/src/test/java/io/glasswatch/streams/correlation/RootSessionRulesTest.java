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
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * SPEC section 2: a root console session is one incident whatever its gaps, and the rotation the runbook
 * asks for after an authorized session is its remedy, not a violation.
 */
class RootSessionRulesTest {
  private static final double DAY = 24 * 60;

  private static CloudTrailEvent consoleCall(String id, double minutes, String created) {
    return CloudTrailEvent.newBuilder(rootCall(id, ACCOUNT, at(minutes), "ec2.amazonaws.com", "DescribeInstances",
        null, null)).setRecord("{\"userIdentity\":{\"type\":\"Root\",\"sessionContext\":{\"attributes\":"
            + "{\"creationDate\":\"" + created + "\",\"mfaAuthenticated\":\"false\"}}}}").build();
  }

  private static Scenario compliantRootGrant(String id, int grantMinutes) {
    return Scenario.create().then(
        request(id, "alice", ACCOUNT, "root", at(0)),
        approval(id, "bob", "incident_command", at(1)),
        approval(id, "dana", "security", at(1)),
        grant(id, "tok-" + id, at(2), Duration.ofMinutes(grantMinutes), true, assignment(ACCOUNT, "user-alice")),
        declaration(ACCOUNT, id, at(2), 30),
        rootLogin("ct-" + id + "-login", ACCOUNT, at(3), "Yes", true));
  }

  @Test
  void oneConsoleSessionSplitByTheGapPagesOnceWithOneRotationDeadline() {
    String created = "2025-03-01T10:00:00Z";
    ReplayResult r = Scenario.create()
        .then(consoleCall("ct-c1", 0, created), consoleCall("ct-c2", 20, created),
            consoleCall("ct-c3", 150, created), consoleCall("ct-c4", 300, created))
        .tick(at(300 + DAY + 10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).contains("ct-c1", "ct-c2"));
    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).singleElement()
        .satisfies(a -> assertThat(a.getEventTime()).isEqualTo(at(300 + DAY)));
  }

  @Test
  void anotherConsoleSessionAfterTheGapIsAnotherIncident() {
    ReplayResult r = Scenario.create()
        .then(consoleCall("ct-d1", 0, "2025-03-01T10:00:00Z"), consoleCall("ct-d2", 150, "2025-03-01T12:29:00Z"))
        .tick(at(150 + DAY + 10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).hasSize(2);
    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).hasSize(2);
  }

  @Test
  void rotationInsideACompliantGrantPastTheDeclaredDurationIsNoOverrun() {
    ReplayResult r = compliantRootGrant("req-r1", 60)
        .then(rootPasswordUpdated("ct-r1-pw", ACCOUNT, at(45)), expiry("req-r1", "ttl_elapsed", at(62)))
        .tick(at(62 + DAY + 10))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void rootUseInsideTheGrantPastTheDeclaredDurationIsStillAnOverrun() {
    ReplayResult r = compliantRootGrant("req-r2", 60)
        .then(rootCall("ct-r2-use", ACCOUNT, at(45), "ec2.amazonaws.com", "DescribeInstances", null, null),
            rootPasswordUpdated("ct-r2-pw", ACCOUNT, at(50)), expiry("req-r2", "ttl_elapsed", at(62)))
        .tick(at(62 + DAY + 10))
        .run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType()).containsExactly("SESSION_OVERRUN");
  }

  @Test
  void rotationAfterACompliantGrantEndedIsItsRemedy() {
    ReplayResult r = compliantRootGrant("req-r3", 30)
        .then(expiry("req-r3", "ttl_elapsed", at(32)), rootPasswordUpdated("ct-r3-pw", ACCOUNT, at(90)))
        .tick(at(32 + DAY + 10))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.timeline()).filteredOn(e -> "ct-r3-pw".equals(e.getEventId()))
        .singleElement().satisfies(e -> assertThat(e.getCorrelationId()).isEqualTo("req-r3"));
  }

  @Test
  void rotationAfterARevokedSessionIsItsRemedy() {
    ReplayResult r = compliantRootGrant("req-r4", 60)
        .then(expiry("req-r4", "revoked", at(20)), rootPasswordUpdated("ct-r4-pw", ACCOUNT, at(40)))
        .tick(at(62 + DAY + 10))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void aPasswordChangeLaterThanTheRotationDeadlineAfterTheGrantIsUnauthorized() {
    Instant late = at(32 + DAY + 30);
    ReplayResult r = compliantRootGrant("req-r5", 30)
        .then(expiry("req-r5", "ttl_elapsed", at(32)), rootPasswordUpdated("ct-r5-pw", ACCOUNT, late))
        .tick(late.plus(Duration.ofMinutes(10)))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly("ct-r5-pw"));
  }

  @Test
  void aPasswordChangeAfterAnUnauthorizedSessionStaysSuspect() {
    ReplayResult r = Scenario.create()
        .then(rootLogin("ct-u1", ACCOUNT, at(0), "Yes", true), rootPasswordUpdated("ct-u1-pw", ACCOUNT, at(30)))
        .tick(at(30 + DAY + 10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).contains("ct-u1", "ct-u1-pw"));
    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).hasSize(1);
  }
}
