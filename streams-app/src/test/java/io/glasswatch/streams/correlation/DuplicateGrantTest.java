package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateGrantTest {
  private static final String OTHER = "444455556666";

  /** A JIT request of {@code subject} on {@code account} granted at {@code minute} for {@code validFor}. */
  private static List<GatewayEvent> granted(String requestId, String subject, String account, double minute,
      Duration validFor) {
    return List.of(request(requestId, subject, account, "jit", at(minute - 1)),
        approval(requestId, "bob", "security", at(minute - 0.5)),
        approval(requestId, "ivy", "incident_command", at(minute - 0.6)),
        grant(requestId, "tok-" + requestId, at(minute), validFor, true, assignment(account, "user-" + subject)));
  }

  private static Scenario of(List<GatewayEvent> first, List<GatewayEvent> second) {
    return Scenario.create().then(first.toArray(GatewayEvent[]::new)).then(second.toArray(GatewayEvent[]::new));
  }

  @Test
  void grantWhileTheSubjectHoldsAnotherGrantOnTheAccountRaisesOnTheNewRequest() {
    ReplayResult r = of(granted("req-1", "alice", ACCOUNT, 0, Duration.ofHours(1)),
        granted("req-2", "alice", ACCOUNT, 10, Duration.ofHours(1)))
        .then(expiry("req-2", "consumed", at(20)))
        .run();

    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getAlertType()).isEqualTo("DUPLICATE_GRANT");
      assertThat(a.getSeverity()).isEqualTo("medium");
      assertThat(a.getActions()).containsExactly("notify");
      assertThat(a.getCorrelationId()).isEqualTo("req-2");
      assertThat(a.getRequestId()).isEqualTo("req-2");
      assertThat(a.getSubject()).isEqualTo("alice");
      assertThat(a.getEvidence()).containsExactly("req-2/grant/1", "req-1/grant/1");
      assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("DUPLICATE_GRANT", "req-2", "req-2/grant/1"));
      assertThat(a.getEventTime()).isEqualTo(at(10));
      assertThat(a.getSummary()).contains("req-1");
    });
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void theSameSubjectsSecondGrantAfterTheFirstExpiredIsNoDuplicate() {
    ReplayResult r = of(granted("req-1", "alice", ACCOUNT, 0, Duration.ofMinutes(30)),
        granted("req-2", "alice", ACCOUNT, 40, Duration.ofHours(1))).run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void aGrantThatEndedEarlyIsNotHeldAnyMore() {
    ReplayResult r = Scenario.create()
        .then(granted("req-1", "alice", ACCOUNT, 0, Duration.ofHours(1)).toArray(GatewayEvent[]::new))
        .then(expiry("req-1", "consumed", at(5)))
        .then(granted("req-2", "alice", ACCOUNT, 10, Duration.ofHours(1)).toArray(GatewayEvent[]::new))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void otherSubjectsAndOtherAccountsAreNoDuplicates() {
    ReplayResult r = of(granted("req-1", "alice", ACCOUNT, 0, Duration.ofHours(1)),
        granted("req-2", "dave", ACCOUNT, 10, Duration.ofHours(1)))
        .then(granted("req-3", "alice", OTHER, 10, Duration.ofHours(1)).toArray(GatewayEvent[]::new))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void theLaterGrantIsTheDuplicateWhateverTheArrivalOrder() {
    ReplayResult r = of(granted("req-2", "alice", ACCOUNT, 10, Duration.ofHours(1)),
        granted("req-1", "alice", ACCOUNT, 0, Duration.ofHours(1))).run();

    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("req-2");
      assertThat(a.getEvidence()).containsExactly("req-2/grant/1", "req-1/grant/1");
    });
  }
}
