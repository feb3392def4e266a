package io.glasswatch.streams.enforcement;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The expiry sweeper of stage B, through the whole topology (TopologyTestDriver). */
class ExpirySweeperTest {

  /** A compliant JIT request of {@code subject} granted at {@code minute} for {@code validFor}. */
  private static GatewayEvent[] granted(String requestId, String subject, double minute, Duration validFor,
      AccountAssignment a) {
    return new GatewayEvent[] {request(requestId, subject, ACCOUNT, "jit", at(minute - 1)),
        approval(requestId, "bob", "security", at(minute - 0.6)),
        approval(requestId, "ivy", "incident_command", at(minute - 0.5)),
        grant(requestId, "tok-" + requestId, at(minute), validFor, false, a)};
  }

  private static List<RevokeCommand> sweeps(ReplayResult r) {
    return r.revokeCommands().stream().filter(c -> c.getTrigger().equals("expiry")).toList();
  }

  @Test
  void aGrantWhoseExpiresAtPassedGetsOneExpiryRevokeOfItsAssignment() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice")))
        .tick(at(45))
        .run();

    assertThat(r.revokeCommands()).singleElement().satisfies(c -> {
      assertThat(c.getTrigger()).isEqualTo("expiry");
      assertThat(c.getCommandId()).isEqualTo(Hashing.deterministicId("revoke", "expiry", "req-1"))
          .isEqualTo(RevokeCommands.expiryCommandId("req-1"));
      assertThat(c.getRequestId()).isEqualTo("req-1");
      assertThat(c.getAlertId()).isNull();
      assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));
      assertThat(c.getAlsoRevokedRequestIds()).isEmpty();
      assertThat(c.getReason()).contains("req-1").contains("expiresAt");
      assertThat(c.getIssuedAt()).as("judged at the first deadline time past expiresAt").isAfterOrEqualTo(at(30));
    });
    TimelineEntry requested = Scenario.entry(r, "revoke:" + RevokeCommands.expiryCommandId("req-1") + ":requested");
    assertThat(requested.getCorrelationId()).isEqualTo("req-1");
    assertThat(requested.getMessage()).startsWith("Expiry sweep of request req-1");
    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void aDisabledSweeperIssuesNothingAndFilesNothing() {
    ReplayResult r = Scenario.create()
        .sweeper(new SweeperSettings(false, Duration.ofHours(24)))
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice")))
        .tick(at(45))
        .run();

    assertThat(r.revokeCommands()).isEmpty();
    assertThat(r.timeline()).noneMatch(e -> e.getAction().startsWith("expiry_sweep") || e.getAction().startsWith("revoke"));
  }

  @Test
  void aGrantThatEndedLongerAgoThanTheLookbackIsSkippedAndTheTimelineSaysSo() {
    ReplayResult r = Scenario.create()
        .sweeper(new SweeperSettings(true, Duration.ofMinutes(60)))
        .then(granted("req-old", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice")))
        .then(granted("req-new", "dave", 100, Duration.ofMinutes(30), assignment(ACCOUNT, "user-dave")))
        .tick(at(131)) // the first sweep: req-old ended 101 minutes before, req-new 1 minute before
        .run();

    assertThat(sweeps(r)).singleElement().satisfies(c -> assertThat(c.getRequestId()).isEqualTo("req-new"));
    TimelineEntry skipped = Scenario.entry(r, "sweep:req-old:skipped");
    assertThat(skipped).isNotNull();
    assertThat(skipped.getAction()).isEqualTo("expiry_sweep_skipped");
    assertThat(skipped.getCorrelationId()).isEqualTo("req-old");
    assertThat(skipped.getMessage()).contains("PT1H").contains("revoke.sweeper.lookback").contains("user-alice");
    assertThat(Scenario.entry(r, "sweep:req-new:skipped")).isNull();
  }

  @Test
  void theLookbackMustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SweeperSettings(true, Duration.ZERO))
        .isInstanceOf(io.glasswatch.config.ConfigException.class).hasMessageContaining("revoke.sweeper.lookback");
  }

  @Test
  void anExpiryEventBeforeExpiresAtSweepsAtOnce() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofHours(1), assignment(ACCOUNT, "user-alice")))
        .then(expiry("req-1", "consumed", at(5)))
        .tick(at(6))
        .run();

    assertThat(sweeps(r)).singleElement().satisfies(c -> {
      assertThat(c.getReason()).contains("expiry:consumed");
      assertThat(c.getIssuedAt()).isBefore(at(5.1));
    });
  }

  @Test
  void aGrantNotYetExpiredIsNotSwept() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice")))
        .tick(at(29))
        .run();

    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void anOverlappingActiveGrantOfTheSamePrincipalKeepsTheAssignmentUntilItEndsToo() {
    AccountAssignment shared = assignment(ACCOUNT, "user-alice");
    ReplayResult early = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), shared))
        .then(granted("req-2", "alice", 10, Duration.ofMinutes(60), shared))
        .tick(at(45))
        .run();

    assertThat(sweeps(early)).as("req-2 still relies on the assignment").isEmpty();
    TimelineEntry kept = Scenario.entry(early, "sweep:req-1:kept");
    assertThat(kept.getAction()).isEqualTo("expiry_sweep_kept");
    assertThat(kept.getMessage()).contains("req-2");

    ReplayResult later = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), shared))
        .then(granted("req-2", "alice", 10, Duration.ofMinutes(60), shared))
        .tick(at(75))
        .run();
    assertThat(sweeps(later)).as("the last grant to end removes the assignment").singleElement()
        .satisfies(c -> assertThat(c.getRequestId()).isEqualTo("req-2"));
  }

  @Test
  void anotherPrincipalsOrPermissionSetsGrantDoesNotKeepTheAssignment() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice")))
        .then(granted("req-2", "dave", 10, Duration.ofMinutes(60), assignment(ACCOUNT, "user-dave")))
        .tick(at(45))
        .run();

    assertThat(sweeps(r)).singleElement().satisfies(c -> assertThat(c.getRequestId()).isEqualTo("req-1"));
  }

  @Test
  void alreadyAbsentResultIsRecordedWithoutLateRevokeAndRevokedOnlyOnce() {
    GatewayEvent[] g = granted("req-1", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice"));
    RevokeCommand sweep = sweeps(Scenario.create().then(g).tick(at(45)).run()).get(0);

    ReplayResult r = Scenario.create().then(g).tick(at(31))
        .then(result(sweep, "ALREADY_ABSENT", at(31)))
        .tick(at(120))
        .run();

    assertThat(sweeps(r)).as("once, whatever comes after").singleElement()
        .satisfies(c -> assertThat(c.getCommandId()).isEqualTo(sweep.getCommandId()));
    TimelineEntry absent = Scenario.entry(r, "revoke:" + sweep.getCommandId() + ":already_absent");
    assertThat(absent.getAction()).isEqualTo("revoke_already_absent");
    assertThat(absent.getMessage()).contains("already absent").doesNotContain("Late revoke");
    assertThat(r.timeline()).noneMatch(e -> e.getMessage() != null && e.getMessage().startsWith("Late revoke"));
  }

  @Test
  void confirmedSweepIsALateRevokeInTheTimeline() {
    GatewayEvent[] g = granted("req-1", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice"));
    RevokeCommand sweep = sweeps(Scenario.create().then(g).tick(at(45)).run()).get(0);

    ReplayResult r = Scenario.create().then(g).tick(at(31))
        .then(result(sweep, "CONFIRMED", at(31)))
        .run();

    TimelineEntry confirmed = Scenario.entry(r, "revoke:" + sweep.getCommandId() + ":confirmed");
    assertThat(confirmed.getMessage()).startsWith("Late revoke (assignment outlived its expired grant) of request req-1");
  }

  @Test
  void aGrantRevokedByGlasswatchIsNotSweptAgain() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), assignment(ACCOUNT, "user-alice")))
        .then(approval("req-1", "alice", "security", at(1)))
        .tick(at(45))
        .run();

    assertThat(r.revokeCommands()).as("the SELF_APPROVAL revoke, no sweep").singleElement()
        .satisfies(c -> assertThat(c.getTrigger()).isEqualTo("alert"));
  }

  @Test
  void aGrantWithoutAssignmentHasNothingToSweep() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", 0, Duration.ofMinutes(30), null))
        .tick(at(45))
        .run();

    assertThat(r.revokeCommands()).isEmpty();
  }
}
