package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.result;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestLifecycleTest {
  @Test
  void eventIdsCountEachTypeWithinTheRequest() {
    ReplayResult r = Scenario.create()
        .then(request("req-l", "alice", ACCOUNT, "jit", at(0)),
            approval("req-l", "bob", "incident_command", at(1)),
            approval("req-l", "carol", "security", at(2)))
        .run();

    var events = r.timeline().stream().filter(e -> "event".equals(e.getKind())).toList();
    assertThat(events).extracting(TimelineEntry::getEventId)
        .containsExactly("req-l/request/1", "req-l/approval/1", "req-l/approval/2");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getCorrelationId()).isEqualTo("req-l");
      assertThat(e.getRequestId()).isEqualTo("req-l");
      assertThat(e.getSource()).isEqualTo("gateway");
    });
  }

  @Test
  void grantBeforeItsRequestUsesTheAssignmentsAccount() {
    ReplayResult r = Scenario.create()
        .then(approval("req-g", "bob", "incident_command", at(0.5)),
            approval("req-g", "dana", "security", at(0.5)),
            grant("req-g", "tok-g", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            rootLogin("ct-g1", ACCOUNT, at(2), "YES", true),
            request("req-g", "alice", ACCOUNT, "root", at(0)))
        .tick(at(10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-g1").getCorrelationId()).isEqualTo("req-g");
  }

  @Test
  void grantWithoutAssignmentWaitsForItsRequestToLearnTheAccount() {
    ReplayResult r = Scenario.create()
        .then(approval("req-w", "bob", "incident_command", at(0.5)),
            approval("req-w", "dana", "security", at(0.5)),
            grant("req-w", "tok-w", at(1), Duration.ofMinutes(30), true, null),
            rootLogin("ct-w1", ACCOUNT, at(2), "YES", true),
            request("req-w", "alice", ACCOUNT, "root", at(0)))
        .tick(at(10))
        .run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    assertThat(Scenario.entry(r, "cloudtrail:ct-w1").getCorrelationId()).isEqualTo("req-w");
  }

  @Test
  void revokeResultsAreFiledUnderTheRequestWithTheirOutcome() {
    ReplayResult first = Scenario.create()
        .then(request("req-v", "alice", ACCOUNT, "jit", at(0)),
            approval("req-v", "bob", "security", at(1)),
            grant("req-v", "tok-v", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            usage("req-v", "tok-v", "alice", "allow", at(3)),
            usage("req-v", "tok-v", "alice", "allow", at(4)))
        .run();
    RevokeCommand cmd = first.revokeCommands().get(0);

    ReplayResult r = Scenario.create()
        .then(request("req-v", "alice", ACCOUNT, "jit", at(0)),
            approval("req-v", "bob", "security", at(1)),
            grant("req-v", "tok-v", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            usage("req-v", "tok-v", "alice", "allow", at(3)),
            usage("req-v", "tok-v", "alice", "allow", at(4)),
            result(cmd, "DRY_RUN", Instant.parse("2025-03-01T10:04:02Z")),
            result(cmd, "DRY_RUN", Instant.parse("2025-03-01T10:04:02Z")))
        .run();

    // both runs revoke for TOKEN_REUSE and, decided at the end of input (SPEC 5), for MISSING_APPROVALS
    // (only security approved before the grant); the results move the second run's end, and so the
    // second command's issue time, two seconds later: the same commands, no new one for the results
    assertThat(r.revokeCommands()).extracting(RevokeCommand::getCommandId, RevokeCommand::getAlertId)
        .containsExactlyElementsOf(first.revokeCommands().stream()
            .map(c -> tuple(c.getCommandId(), c.getAlertId())).toList());
    assertThat(first.revokeCommands()).extracting(c -> c.getReason().substring(0, c.getReason().indexOf(':')))
        .containsExactly("TOKEN_REUSE", "MISSING_APPROVALS");
    TimelineEntry e = Scenario.entry(r, "revoke:" + cmd.getCommandId() + ":dry_run");
    assertThat(e.getAction()).isEqualTo("revoke_dry_run");
    assertThat(e.getOutcome()).isEqualTo("unknown");
    assertThat(e.getCorrelationId()).isEqualTo("req-v");
    assertThat(e.getAlertId()).isEqualTo(cmd.getAlertId());
    assertThat(e.getTimestamp()).isEqualTo(Instant.parse("2025-03-01T10:04:02Z"));
    assertThat(r.timeline()).filteredOn(x -> x.getEntryId().startsWith("revoke:" + cmd.getCommandId() + ":dry_run"))
        .as("a re-delivered result adds nothing").hasSize(1);
  }
}
