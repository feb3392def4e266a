package io.glasswatch.streams.time;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.correlation.LifecycleFact;
import io.glasswatch.streams.input.ClockTick;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.testing.Driver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines on an idle partition: with wall-clock deadlines the driver's (mocked) wall clock alone
 * brings them, at wall clock - allowedLateness (10 min by default); without, only stream time does. A
 * page waits for a silent gateway source at most {@code decisionDelay} of wall clock (RootDecision).
 * The driver's wall clock starts at {@code T0}, the time of the first event.
 */
class WallClockDeadlineTest {
  /** A policy with a gateway source that never reports progress: pages wait for the decision delay. */
  private static final Policy SILENT_GATEWAY = Policy.defaults().toBuilder().gatewaySources(List.of("ingest-http"))
      .build();

  @TempDir Path stateDir;

  @Test
  void anIdlePartitionPagesAtTheDecisionDelayOnTheWallClockOnce() {
    try (Driver d = new Driver(stateDir, SILENT_GATEWAY, true)) {
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-w1", ACCOUNT, at(0), "YES", true), at(0));

      d.driver().advanceWallClockTime(Duration.ofMinutes(4).plusSeconds(59));
      assertThat(d.alerts().readValuesToList()).as("the gateway source reports nothing: wait up to the delay")
          .isEmpty();

      d.driver().advanceWallClockTime(Duration.ofSeconds(1));
      List<Alert> alerts = d.alerts().readValuesToList();
      assertThat(alerts).as("wall clock T0 + 5 min: paged, at deadline time T0 (wall clock - 10 min < T0)")
          .singleElement().satisfies(a -> {
            assertThat(a.getAlertType()).isEqualTo("UNAUTHORIZED_ROOT_USE");
            assertThat(a.getDetectedAt()).isEqualTo(at(0));
          });

      d.driver().advanceWallClockTime(Duration.ofMinutes(15));
      d.raw(Topics.CLOUDTRAIL_EVENTS).pipeInput(new TestRecord<>(null, null, ClockTick.headers(), at(30)));
      assertThat(d.alerts().readValuesToList()).as("decided once, whichever clock comes next").isEmpty();
    }
  }

  @Test
  void withoutWallClockDeadlinesOnlyStreamTimeDecides() {
    try (Driver d = new Driver(stateDir, Policy.defaults(), false)) {
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-w2", ACCOUNT, at(0), "YES", true), at(0));

      d.driver().advanceWallClockTime(Duration.ofHours(1));
      assertThat(d.alerts().readValuesToList()).isEmpty();

      d.raw(Topics.CLOUDTRAIL_EVENTS).pipeInput(new TestRecord<>(null, null, ClockTick.headers(), at(5)));
      assertThat(d.alerts().readValuesToList()).singleElement()
          .satisfies(a -> assertThat(a.getDetectedAt()).isEqualTo(at(5)));
    }
  }

  @Test
  void theAllowedLatenessOfThePolicyKeepsAPageOpenToAGrantThatComesLate() {
    Policy lenient = SILENT_GATEWAY.toBuilder().allowedLateness(Duration.ofMinutes(30)).build();
    try (Driver d = new Driver(stateDir, lenient, true)) {
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-w3", ACCOUNT, at(0), "YES", true), at(0));
      d.driver().advanceWallClockTime(Duration.ofMinutes(20));
      assertThat(d.alerts().readValuesToList()).as("paged at wall clock T0 + 5 min").extracting(Alert::getAlertType)
          .containsExactly("UNAUTHORIZED_ROOT_USE");
      d.gateway().pipeInput("req-w", request("req-w", "alice", ACCOUNT, "root", at(-1)), at(-1));
      d.gateway().pipeInput("req-w", approval("req-w", "bob", "incident_command", at(-0.5)), at(-0.5));
      d.gateway().pipeInput("req-w", approval("req-w", "carol", "security", at(-0.4)), at(-0.4));
      d.gateway().pipeInput("req-w", grant("req-w", "tok-w", at(-0.2), Duration.ofMinutes(30), true,
          assignment(ACCOUNT, "user-alice")), at(-0.2));

      d.driver().advanceWallClockTime(Duration.ofMinutes(30));

      assertThat(d.resolutions().readValuesToList()).as("deadline time (wall clock - 30 min) was before T0 + 5 min")
          .singleElement().satisfies(r -> assertThat(r.getKind()).isEqualTo("late_grant"));
      assertThat(d.revokeCommands().readValuesToList()).isEmpty();
    }
  }

  @Test
  void aLifecycleExpiresAndClosesOnTheWallClock() {
    try (Driver d = new Driver(stateDir, Policy.defaults(), true)) {
      d.gateway().pipeInput("req-l", request("req-l", "alice", ACCOUNT, "jit", at(0)), at(0));
      d.gateway().pipeInput("req-l", approval("req-l", "bob", "security", at(0)), at(0));
      d.gateway().pipeInput("req-l", grant("req-l", "tok-l", at(0), Duration.ofMinutes(30), true,
          assignment(ACCOUNT, "user-alice")), at(0));
      d.lifecycleFacts().pipeInput(ACCOUNT, new LifecycleFact("req-l", ACCOUNT, "jit", "alice", null, "granted",
          at(0).toEpochMilli(), "req-l/grant/1", List.of()), at(0));

      d.driver().advanceWallClockTime(Duration.ofMinutes(40));

      assertThat(d.timeline().readValuesToList()).filteredOn(e -> "state".equals(e.getKind()))
          .extracting(TimelineEntry::getMessage).containsExactly("new -> requested", "requested -> granted", "granted -> expired",
              "expired -> closed");
    }
  }
}
