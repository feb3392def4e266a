package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The request-side rules and the subject stage give identical output on replay and nothing new on re-delivery. */
class RequestRulesDeterminismTest {
  private static Scenario scenario() {
    Scenario s = Scenario.create()
        .then(request("req-a", "alice", ACCOUNT, "jit", at(0)),
            approval("req-a", "alice", "security", "loa1", at(1)),
            approval("req-a", "bob", "incident_command", at(1)),
            grant("req-a", "tok-a", at(2), Duration.ofMinutes(90), false, assignment(ACCOUNT, "user-alice")),
            grant("req-a", "tok-b", at(3), Duration.ofMinutes(30), false, assignment(ACCOUNT, "user-alice")));
    for (int i = 0; i < 5; i++) {
      s.then(usage("req-a", "tok-a", "alice", "deny", at(4 + i)));
    }
    for (int i = 1; i <= 4; i++) {
      s.then(request("req-r" + i, "alice", ACCOUNT, "jit", at(10 + i)));
    }
    return s.tick(at(60));
  }

  @Test
  void sameInputGivesIdenticalOutput() {
    ReplayResult a = scenario().run();
    ReplayResult b = scenario().run();

    assertThat(a.alerts()).extracting(Alert::getAlertType).containsExactly("SELF_APPROVAL",
        "WEAK_APPROVER_ASSURANCE", "EXCESSIVE_DURATION", "EXPIRY_EXTENDED", "MISSING_APPROVALS", "DENIED_ATTEMPTS",
        "REPEATED_BREAK_GLASS");
    assertThat(a.alerts()).isEqualTo(b.alerts());
    assertThat(a.revokeCommands()).hasSize(3).isEqualTo(b.revokeCommands());
    assertThat(a.timeline()).isEqualTo(b.timeline());
  }

  @Test
  void reDeliveredInputsProduceNothingNew() {
    ReplayResult once = scenario().run();
    ReplayResult twice = Scenario.create().records(scenario().records()).records(scenario().records()).run();

    assertThat(twice.alerts()).isEqualTo(once.alerts());
    assertThat(twice.revokeCommands()).isEqualTo(once.revokeCommands());
    assertThat(twice.timeline()).isEqualTo(once.timeline());
  }
}
