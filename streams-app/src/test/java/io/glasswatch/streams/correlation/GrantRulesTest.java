package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** EXCESSIVE_DURATION and EXPIRY_EXTENDED in stage A, and per-account policy overrides. */
class GrantRulesTest {
  private static final String OTHER_ACCOUNT = "444455556666";

  private static Scenario approved(String requestId, String account) {
    return Scenario.create().then(
        request(requestId, "alice", account, "jit", at(0)),
        approval(requestId, "bob", "incident_command", at(1)),
        approval(requestId, "carol", "security", at(2)));
  }

  @Test
  void grantLongerThanMaxGrantDurationIsExcessive() {
    ReplayResult r = approved("req-x", ACCOUNT)
        .then(grant("req-x", "tok-x", at(3), Duration.ofMinutes(61), true, assignment(ACCOUNT, "user-alice")))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("EXCESSIVE_DURATION");
    Alert a = r.alerts().get(0);
    assertThat(a.getSeverity()).isEqualTo("medium");
    assertThat(a.getActions()).containsExactly("notify");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("EXCESSIVE_DURATION", "req-x", "req-x/grant/1"));
    assertThat(a.getEvidence()).containsExactly("req-x/grant/1");
    assertThat(a.getEventTime()).isEqualTo(at(3));
    assertThat(a.getSummary()).contains("61 min", "60 min");
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void sixtyMinuteGrantIsNotExcessive() {
    ReplayResult r = approved("req-x2", ACCOUNT)
        .then(grant("req-x2", "tok-x2", at(3), Duration.ofMinutes(60), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void stricterMaxGrantDurationOfOneAccountAppliesToItsRequestsOnly() {
    Policy strict = Policy.defaults().toBuilder().maxGrantDuration(Duration.ofMinutes(30)).build();
    Policy p = Policy.defaults().toBuilder().account(ACCOUNT, strict).build();
    ReplayResult r = approved("req-p1", ACCOUNT).policy(p)
        .records(approved("req-p2", OTHER_ACCOUNT).records())
        .then(grant("req-p1", "tok-p1", at(3), Duration.ofMinutes(45), true, assignment(ACCOUNT, "user-alice")),
            grant("req-p2", "tok-p2", at(3), Duration.ofMinutes(45), true, assignment(OTHER_ACCOUNT, "user-alice")))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType, Alert::getAccountId)
        .containsExactly(tuple("EXCESSIVE_DURATION", ACCOUNT));
    assertThat(r.alerts().get(0).getSummary()).contains("45 min", "30 min");
  }

  @Test
  void grantBeforeItsRequestIsJudgedWithTheAccountOverrideOnceTheRequestArrives() {
    Policy strict = Policy.defaults().toBuilder().maxGrantDuration(Duration.ofMinutes(30)).build();
    Policy p = Policy.defaults().toBuilder().account(OTHER_ACCOUNT, strict).build();
    // the grant's assignment names ACCOUNT, the request OTHER_ACCOUNT: the request's account decides
    ReplayResult r = Scenario.create().policy(p)
        .then(grant("req-p3", "tok-p3", at(3), Duration.ofMinutes(45), true, assignment(ACCOUNT, "user-alice")),
            request("req-p3", "alice", OTHER_ACCOUNT, "jit", at(0)),
            approval("req-p3", "bob", "incident_command", at(1)),
            approval("req-p3", "carol", "security", at(2)))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("EXCESSIVE_DURATION");
  }

  @Test
  void secondGrantForTheRequestExtendsExpiryAndIsRevoked() {
    ReplayResult r = approved("req-g2", ACCOUNT)
        .then(grant("req-g2", "tok-a", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            grant("req-g2", "tok-b", at(20), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice-2")))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("EXPIRY_EXTENDED");
    Alert a = r.alerts().get(0);
    assertThat(a.getSeverity()).isEqualTo("high");
    assertThat(a.getActions()).containsExactly("revoke");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("EXPIRY_EXTENDED", "req-g2", "req-g2/grant/2"));
    assertThat(a.getEvidence()).containsExactly("req-g2/grant/2", "req-g2/grant/1");
    assertThat(a.getSummary()).contains("second grant");
    assertThat(r.revokeCommands()).singleElement().satisfies(c -> {
      assertThat(c.getAssignment()).as("the latest grant's assignment").isEqualTo(assignment(ACCOUNT, "user-alice-2"));
      assertThat(c.getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint("tok-b"));
      assertThat(c.getIssuedAt()).isEqualTo(at(20));
    });
  }

  @Test
  void laterExpiryForTheSameTokenIsExpiryExtended() {
    GatewayEvent first = grant("req-g3", "tok-c", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice"));
    GatewayEvent extended = with(first, b -> b.setTimestamp(at(25)).setExpiresAt(at(63)));
    ReplayResult r = approved("req-g3", ACCOUNT).then(first, extended).run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("EXPIRY_EXTENDED");
    assertThat(r.alerts().get(0).getSummary()).contains("extends token", at(33).toString(), at(63).toString())
        .doesNotContain("tok-c");
    assertThat(r.revokeCommands()).hasSize(1);
  }

  @Test
  void secondGrantArrivingFirstIsStillTheOneJudged() {
    ReplayResult r = approved("req-g4", ACCOUNT)
        .then(grant("req-g4", "tok-late", at(20), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            grant("req-g4", "tok-early", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .run();

    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getAlertType()).isEqualTo("EXPIRY_EXTENDED");
      assertThat(a.getEvidence()).containsExactly("req-g4/grant/1", "req-g4/grant/2");
      assertThat(a.getEventTime()).isEqualTo(at(20));
    });
  }

  @Test
  void reDeliveredGrantIsNotExpiryExtended() {
    GatewayEvent g = grant("req-g5", "tok-d", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice"));
    ReplayResult r = approved("req-g5", ACCOUNT).then(g, g).tick(at(30)).run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).isEmpty();
  }
}
