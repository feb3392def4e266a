package io.glasswatch.streams.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.replay.Replayer;
import io.glasswatch.streams.testing.Corpus;
import io.glasswatch.streams.testing.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real CloudTrail records from panther-labs/panther-analysis (Apache-2.0; see shared/corpus/README.md):
 * the compromised-root-credentials test scenario, and the 353 background rule-test records that hold
 * no root activity.
 */
class PantherCorpusTest {
  private static final String ACCOUNT = "493859302102";
  /** The attacker's successful root sign-in of the scenario. */
  private static final Instant ATTACKER_LOGIN = Instant.parse("2020-11-01T08:29:10Z");

  /** The scenario in event-time order; its eventIDs are all the placeholder "1", so each gets "panther-<row>". */
  private static List<CloudTrailEvent> scenario() {
    List<JsonNode> rows = Corpus.events("panther-scenario-compromised-root.jsonl");
    List<CloudTrailEvent> events = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      events.add(Corpus.cloudTrail(rows.get(i), "panther-" + i, null, ACCOUNT));
    }
    events.sort(Comparator.comparing(CloudTrailEvent::getEventTime));
    return events;
  }

  private static List<InputRecord> records(List<CloudTrailEvent> events) {
    return new ArrayList<>(events.stream().map(Events::in).toList());
  }

  private static String idOf(List<CloudTrailEvent> events, String name, Instant at) {
    return events.stream().filter(e -> e.getEventName().equals(name) && e.getEventTime().equals(at))
        .findFirst().orElseThrow().getEventID();
  }

  @Test
  void compromisedRootScenarioRaisesUnauthorizedRootUseAndLoginWithoutMfa() {
    List<CloudTrailEvent> events = scenario();
    assertThat(events).hasSize(16);

    ReplayResult r = new Replayer().replay(records(events));

    String attackerLogin = idOf(events, "ConsoleLogin", ATTACKER_LOGIN);
    List<Alert> rootUse = r.alerts().stream().filter(a -> a.getAlertType().equals("UNAUTHORIZED_ROOT_USE")).toList();
    // victim sessions of 15, 16 and 27 October, and the attacker's of 1 November (failed sign-ins open none)
    assertThat(rootUse).extracting(a -> a.getEventTime().toString())
        .containsExactly("2020-10-15T06:00:00Z", "2020-10-16T06:00:00Z", "2020-10-27T06:00:00Z", "2020-11-01T08:29:10Z");
    Alert attacker = rootUse.get(3);
    assertThat(attacker.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
    assertThat(attacker.getEvidence()).first().isEqualTo(attackerLogin);
    assertThat(attacker.getEvidence()).as("the session's root events, the failed StopLogging excluded")
        .contains(idOf(events, "CreateAccessKey", Instant.parse("2020-11-01T08:32:19Z")))
        .doesNotContain(idOf(events, "StopLogging", Instant.parse("2020-11-01T08:30:03Z")));
    assertThat(attacker.getSummary()).contains("92.55.146.245");

    assertThat(r.alerts()).filteredOn(a -> a.getAlertType().equals("ROOT_LOGIN_WITHOUT_MFA"))
        .extracting(a -> a.getEvidence().get(0)).contains(attackerLogin).hasSize(4);
    assertThat(r.timeline()).hasSize(16 + r.alerts().size());
  }

  @Test
  void rotationOverdueFiresOnceALaterEventIsADayPastTheAttackersSession() {
    List<CloudTrailEvent> events = scenario();
    Instant lastAttackerRootEvent = Instant.parse("2020-11-01T08:39:02Z");

    ReplayResult before = new Replayer().replay(records(events));
    assertThat(rotationAlertsAfter(before, ATTACKER_LOGIN)).isEmpty();

    List<InputRecord> later = records(events);
    later.add(Events.in(Events.userCall("later-1", ACCOUNT, lastAttackerRootEvent.plus(Duration.ofHours(24)),
        "DescribeInstances")));
    ReplayResult r = new Replayer().replay(later);

    assertThat(rotationAlertsAfter(r, ATTACKER_LOGIN)).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
      assertThat(a.getEvidence()).first().isEqualTo(idOf(events, "ConsoleLogin", ATTACKER_LOGIN));
    });
  }

  private static List<Alert> rotationAlertsAfter(ReplayResult r, Instant sessionStart) {
    return r.alerts().stream()
        .filter(a -> a.getAlertType().equals("ROTATION_OVERDUE") && !a.getEventTime().isBefore(sessionStart))
        .toList();
  }

  @Test
  void backgroundRecordsRaiseNothingAndAllReachTheTimeline() {
    List<JsonNode> rows = Corpus.events("panther-cloudtrail-background.jsonl");
    Instant fallback = Instant.parse("2021-01-01T00:00:00Z");
    List<CloudTrailEvent> events = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      // ids are unique per row: rule tests reuse ids and some records have none
      events.add(Corpus.cloudTrail(rows.get(i), "background-" + i, fallback, "123456789012"));
    }
    events.sort(Comparator.comparing(CloudTrailEvent::getEventTime));

    ReplayResult r = new Replayer().replay(records(events));

    assertThat(rows).hasSize(353);
    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).isEmpty();
    assertThat(r.deadLetters()).isEmpty();
    assertThat(r.timeline()).hasSize(353).allSatisfy(e -> assertThat(e.getCorrelationId()).startsWith("account:"));
  }
}
