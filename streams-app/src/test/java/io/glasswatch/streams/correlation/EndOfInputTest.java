package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import io.glasswatch.streams.input.ClockTick;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.testing.Driver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-of-input tick (stream time {@link Topics#END_OF_INPUT_TIME}): a replay's last records are judged
 * although their decision delay never passes in event time, and deadlines after the last event stay open.
 */
class EndOfInputTest {
  private static final Instant END = Instant.ofEpochMilli(Topics.END_OF_INPUT_TIME);

  private static CloudTrailEvent ordinarySignIn(String id, Instant t) {
    return CloudTrailEvent.newBuilder(rootLogin(id, ACCOUNT, t, "Yes", true))
        .setUserIdentityType("IAMUser").setUserName("carol").build();
  }

  private static List<String> cloudTrailEntries(ReplayResult r) {
    return r.timeline().stream().filter(e -> e.getEventId() != null && e.getEventId().startsWith("ct-"))
        .map(TimelineEntry::getEventId).toList();
  }

  @Test
  void rootSignInJustBeforeTheEndIsJudgedAndFiled() {
    ReplayResult r = Scenario.create()
        .then(rootLogin("ct-e1", ACCOUNT, at(0), "No", true), ordinarySignIn("ct-e2", at(2)))
        .tick(END)
        .run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType())
        .containsExactly("UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA");
    assertThat(r.alerts()).allSatisfy(a -> assertThat(a.getDetectedAt()).isEqualTo(at(2)));
    assertThat(cloudTrailEntries(r)).containsExactlyInAnyOrder("ct-e1", "ct-e2");
  }

  @Test
  void aReplayEndsItsInputByItselfSoTheLastRootSignInIsJudged() {
    // no explicit end tick: the replayer sends it after the last record (the two-record case)
    ReplayResult r = Scenario.create()
        .then(rootLogin("ct-e3", ACCOUNT, at(0), "No", true), ordinarySignIn("ct-e4", at(2)))
        .run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType())
        .containsExactly("UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA");
    assertThat(cloudTrailEntries(r)).containsExactlyInAnyOrder("ct-e3", "ct-e4");
  }

  @Test
  void aGrantWithoutApprovalsJustBeforeTheEndIsDecided() {
    ReplayResult r = Scenario.create()
        .then(request("req-e", "alice", ACCOUNT, "jit", at(0)),
            grant("req-e", "tok-e", at(1), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(END)
        .run();

    assertThat(Scenario.alertsOf(r, "MISSING_APPROVALS")).singleElement()
        .satisfies(a -> assertThat(a.getDetectedAt()).isEqualTo(at(1)));
  }

  @Test
  void theOpenDeadlinesAreListedFromTheStoreAfterTheEnd(@TempDir Path stateDir) {
    try (Driver d = new Driver(stateDir)) {
      d.gateway().pipeInput("req-l", request("req-l", "alice", ACCOUNT, "root", at(0)), at(0));
      d.gateway().pipeInput("req-l", approval("req-l", "bob", "incident_command", at(1)), at(1));
      d.gateway().pipeInput("req-l", approval("req-l", "dana", "security", at(1)), at(1));
      d.gateway().pipeInput("req-l", grant("req-l", "tok-l", at(2), Duration.ofMinutes(30), true,
          assignment(ACCOUNT, "user-alice")), at(2));
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-l1", ACCOUNT, at(3), "Yes", true), at(3));
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-l2", ACCOUNT, at(40), "Yes", true), at(40));
      for (String topic : List.of(Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS)) {
        RecordHeaders headers = new RecordHeaders(ClockTick.headers().toArray());
        headers.add(Topics.END_OF_INPUT_HEADER, "true".getBytes(StandardCharsets.UTF_8));
        d.raw(topic).pipeInput(new TestRecord<>(null, null, headers, END));
      }

      assertThat(AccountCorrelator.openDeadlines(d.store(AccountCorrelator.STORE), Policy.defaults()))
          .containsExactly(
              new OpenDeadline("ROTATION_OVERDUE", "req-l", at(32).plus(Duration.ofHours(24))),
              new OpenDeadline("ROTATION_OVERDUE", "account:" + ACCOUNT, at(40).plus(Duration.ofHours(24))));
      assertThat(d.alerts().readValuesToList()).extracting(a -> a.getAlertType())
          .containsExactlyInAnyOrder("MISSING_AUDIT_RECORD", "UNAUTHORIZED_ROOT_USE");
    }
  }

  @Test
  void deadlinesAfterTheLastEventStayOpen() {
    ReplayResult r = Scenario.create()
        .then(request("req-o", "alice", ACCOUNT, "root", at(0)),
            approval("req-o", "bob", "incident_command", at(1)),
            approval("req-o", "dana", "security", at(1)),
            grant("req-o", "tok-o", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            rootLogin("ct-o1", ACCOUNT, at(3), "Yes", true),
            expiry("req-o", "ttl_elapsed", at(20)))
        .tick(END)
        .run();

    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).isEmpty();
    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).isEmpty();
    assertThat(Scenario.alertsOf(r, "MISSING_AUDIT_RECORD")).singleElement();
  }
}
