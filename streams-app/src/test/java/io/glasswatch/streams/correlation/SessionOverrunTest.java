package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.declaration;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootCall;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionOverrunTest {
  /** An approved root request granted at minute 0 for two hours; root login at minute 11. */
  private static Scenario session() {
    return Scenario.create().then(
        request("req-s", "alice", ACCOUNT, "root", at(-2)),
        approval("req-s", "bob", "incident_command", at(-1)),
        approval("req-s", "carol", "security", at(-0.9)),
        grant("req-s", "tok-s", at(0), Duration.ofHours(2), true, assignment(ACCOUNT, "user-alice")),
        rootLogin("ct-1", ACCOUNT, at(11), "YES", true));
  }

  @Test
  void rootUsePastTheDeclaredDurationRaisesOncePerSession() {
    ReplayResult early = session()
        .then(declaration(ACCOUNT, "req-s", at(10), 30),
            rootCall("ct-2", ACCOUNT, at(41), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(45.9))
        .run();
    // ct-2 (minute 41) is past the declared 30 minutes: before its decision delay ends only the end of
    // input decides it (SPEC 5), at the last stream time
    assertThat(Scenario.alertsOf(early, "SESSION_OVERRUN")).singleElement()
        .satisfies(a -> assertThat(a.getDetectedAt()).as("decided by the end of input").isEqualTo(at(45.9)));

    ReplayResult r = session()
        .then(declaration(ACCOUNT, "req-s", at(10), 30),
            rootCall("ct-3", ACCOUNT, at(50), "s3.amazonaws.com", "ListBuckets", null, null),
            rootCall("ct-2", ACCOUNT, at(41), "s3.amazonaws.com", "ListBuckets", null, null),
            rootCall("ct-4", ACCOUNT, at(60), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(90))
        .run();

    assertThat(Scenario.alertsOf(r, "SESSION_OVERRUN")).singleElement().satisfies(a -> {
      assertThat(a.getAlertType()).isEqualTo("SESSION_OVERRUN");
      assertThat(a.getSeverity()).isEqualTo("medium");
      assertThat(a.getActions()).containsExactly("notify");
      assertThat(a.getCorrelationId()).isEqualTo("req-s");
      assertThat(a.getEvidence()).as("the first root use past the end, then the declaration")
          .containsExactly("ct-2", "req-s/root_declaration/1");
      assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("SESSION_OVERRUN", "req-s", "ct-2"));
      assertThat(a.getEventTime()).isEqualTo(at(41));
      assertThat(a.getDetectedAt()).as("ct-2 arrived when stream time (50) was past its decision delay")
          .isEqualTo(at(50));
    });
  }

  @Test
  void activityOneMinuteBeforeTheDeclaredEndIsNoOverrun() {
    ReplayResult r = session()
        .then(declaration(ACCOUNT, "req-s", at(10), 30),
            rootCall("ct-5", ACCOUNT, at(39), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(90))
        .run();

    assertThat(Scenario.alertsOf(r, "SESSION_OVERRUN")).isEmpty();
  }

  @Test
  void theDeclarationNamingTheRequestWinsAndMayArriveLate() {
    ReplayResult r = session()
        .then(declaration(ACCOUNT, null, at(10), 15),
            rootCall("ct-6", ACCOUNT, at(41), "s3.amazonaws.com", "ListBuckets", null, null),
            declaration(ACCOUNT, "req-s", at(9), 60))
        .tick(at(90))
        .run();

    assertThat(Scenario.alertsOf(r, "SESSION_OVERRUN")).isEmpty();
    assertThat(r.timeline()).extracting(TimelineEntry::getEntryId)
        .contains("gateway:account:" + ACCOUNT + "/root_declaration/1", "gateway:req-s/root_declaration/1");
  }

  @Test
  void theLatestAccountDeclarationBeforeTheSessionCovers() {
    ReplayResult r = session()
        .then(declaration(ACCOUNT, null, at(2), 60), declaration(ACCOUNT, null, at(8), 20),
            rootCall("ct-7", ACCOUNT, at(30), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(90))
        .run();

    assertThat(Scenario.alertsOf(r, "SESSION_OVERRUN")).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly("ct-7", "account:" + ACCOUNT + "/root_declaration/2"));
  }

  @Test
  void aDeclarationFromBeforeTheGrantDoesNotCoverTheSession() {
    ReplayResult r = session()
        .then(declaration(ACCOUNT, null, at(-300), 30),
            rootCall("ct-8", ACCOUNT, at(30), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(90))
        .run();

    assertThat(Scenario.alertsOf(r, "SESSION_OVERRUN")).isEmpty();
    assertThat(Scenario.alertsOf(r, "MISSING_AUDIT_RECORD")).hasSize(1);
  }
}
