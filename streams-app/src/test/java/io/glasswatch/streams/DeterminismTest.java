package io.glasswatch.streams;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootCall;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.rootUsageFinding;
import static io.glasswatch.streams.testing.Events.rotation;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeterminismTest {
  private static Scenario scenario() {
    return Scenario.create()
        .then(request("req-d", "alice", ACCOUNT, "jit", at(0)),
            approval("req-d", "bob", "security", at(1)),
            approval("req-d", "dana", "incident_command", at(1)),
            grant("req-d", "tok-d", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            usage("req-d", "tok-d", "alice", "allow", at(3)),
            usage("req-d", "tok-d", "alice", "allow", at(4)),
            rootLogin("ct-d1", ACCOUNT, at(40), "No", true),
            rootCall("ct-d2", ACCOUNT, at(41), "iam.amazonaws.com", "CreateUser", null, null),
            rootUsageFinding("gd-d1", ACCOUNT, at(42), false),
            rotation(ACCOUNT, "root_mfa", at(50)))
        .tick(at(2000));
  }

  @Test
  void sameInputGivesIdenticalOutputIncludingHashesAndIds() {
    ReplayResult a = scenario().run();
    ReplayResult b = scenario().run();

    assertThat(a.alerts()).isNotEmpty().isEqualTo(b.alerts());
    assertThat(a.revokeCommands()).isNotEmpty().isEqualTo(b.revokeCommands());
    assertThat(a.timeline()).isNotEmpty().isEqualTo(b.timeline());
    assertThat(a.alerts()).extracting(Alert::getAlertType)
        .containsExactly("TOKEN_REUSE", "UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA", "ROOT_ANTIPATTERN");
  }

  @Test
  void reDeliveredInputsProduceNothingNew() {
    ReplayResult once = scenario().run();
    Scenario twice = Scenario.create().records(scenario().records()).records(scenario().records());
    ReplayResult r = twice.run();

    assertThat(r.alerts()).isEqualTo(once.alerts());
    assertThat(r.revokeCommands()).isEqualTo(once.revokeCommands());
    assertThat(r.timeline()).isEqualTo(once.timeline());
    assertThat(r.inputCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2 * once.inputRecords());
  }
}
