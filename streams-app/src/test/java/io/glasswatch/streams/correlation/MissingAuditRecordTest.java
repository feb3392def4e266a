package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Hashing;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MissingAuditRecordTest {
  /** An approved root request granted at minute 0 for an hour. */
  private static Scenario rootGrant() {
    return Scenario.create().then(
        request("req-d", "alice", ACCOUNT, "root", at(-2)),
        approval("req-d", "bob", "incident_command", at(-1)),
        approval("req-d", "carol", "security", at(-0.9)),
        grant("req-d", "tok-d", at(0), Duration.ofHours(1), true, assignment(ACCOUNT, "user-alice")));
  }

  @Test
  void authorizedRootSessionWithoutDeclarationRaisesOnceAfterTheDecisionDelay() {
    // no declaration can come after the end of the input: the end decides at the last stream time
    // (SPEC 5), earlier than the decision delay would
    ReplayResult early = rootGrant().then(rootLogin("ct-1", ACCOUNT, at(15), "YES", true)).tick(at(19.9)).run();
    assertThat(Scenario.alertsOf(early, "MISSING_AUDIT_RECORD")).singleElement()
        .satisfies(a -> assertThat(a.getDetectedAt()).as("decided by the end of input").isEqualTo(at(19.9)));

    ReplayResult r = rootGrant()
        .then(rootLogin("ct-1", ACCOUNT, at(15), "YES", true))
        .tick(at(20))
        .then(rootLogin("ct-2", ACCOUNT, at(25), "YES", true))
        .tick(at(50))
        .run();

    assertThat(r.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getAlertType()).isEqualTo("MISSING_AUDIT_RECORD");
      assertThat(a.getSeverity()).isEqualTo("medium");
      assertThat(a.getActions()).containsExactly("notify");
      assertThat(a.getCorrelationId()).isEqualTo("req-d");
      assertThat(a.getRequestId()).isEqualTo("req-d");
      assertThat(a.getSubject()).isEqualTo("alice");
      assertThat(a.getEvidence()).containsExactly("req-d/grant/1", "ct-1");
      assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("MISSING_AUDIT_RECORD", "req-d", "req-d/grant/1"));
      assertThat(a.getEventTime()).isEqualTo(at(15));
      assertThat(a.getDetectedAt()).isEqualTo(at(20));
      assertThat(a.getRevokedRequestIds()).isEmpty();
    });
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void declarationTenMinutesBeforeTheLoginIsTheAuditRecord() {
    ReplayResult r = rootGrant()
        .then(declaration(ACCOUNT, null, at(5), 30), rootLogin("ct-3", ACCOUNT, at(15), "YES", true))
        .tick(at(50))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(Scenario.entry(r, "gateway:account:" + ACCOUNT + "/root_declaration/1")).isNotNull();
  }

  @Test
  void declarationWithinTheDecisionDelayAfterTheLoginCounts() {
    ReplayResult r = rootGrant()
        .then(rootLogin("ct-4", ACCOUNT, at(15), "YES", true), declaration(ACCOUNT, null, at(19), 30))
        .tick(at(50))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void declarationNamingTheRequestCountsWhateverItsTime() {
    ReplayResult r = rootGrant()
        .then(declaration(ACCOUNT, "req-d", at(-120), 200), rootLogin("ct-5", ACCOUNT, at(15), "YES", true))
        .tick(at(50))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(Scenario.entry(r, "gateway:req-d/root_declaration/1").getCorrelationId()).isEqualTo("req-d");
  }

  @Test
  void declarationsOutsideTheWindowDoNotCount() {
    ReplayResult tooEarly = rootGrant()
        .then(declaration(ACCOUNT, null, at(-2.5), 30), rootLogin("ct-6", ACCOUNT, at(15), "YES", true))
        .tick(at(50))
        .run();
    assertThat(Scenario.alertsOf(tooEarly, "MISSING_AUDIT_RECORD")).hasSize(1);

    ReplayResult tooLate = rootGrant()
        .then(rootLogin("ct-7", ACCOUNT, at(15), "YES", true), declaration(ACCOUNT, null, at(20.5), 30))
        .tick(at(50))
        .run();
    assertThat(Scenario.alertsOf(tooLate, "MISSING_AUDIT_RECORD")).hasSize(1);

    ReplayResult otherAccount = rootGrant()
        .then(declaration("444455556666", null, at(5), 30), rootLogin("ct-8", ACCOUNT, at(15), "YES", true))
        .tick(at(50))
        .run();
    assertThat(Scenario.alertsOf(otherAccount, "MISSING_AUDIT_RECORD")).hasSize(1);
  }

  @Test
  void unauthorizedRootUseAndAGrantWithoutRootUseNeedNoDeclaration() {
    ReplayResult r = rootGrant()
        .then(rootLogin("ct-9", ACCOUNT, at(120), "YES", true))
        .tick(at(200))
        .run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType()).containsExactly("UNAUTHORIZED_ROOT_USE");
  }
}
