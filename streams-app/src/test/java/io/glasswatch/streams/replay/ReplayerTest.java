package io.glasswatch.streams.replay;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.testing.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayerTest {
  @Test
  void theEndOfTheInputDecidesWhatOnlyWaitedForLateInput() {
    // the root login is judged 5 minutes later; the latest event is 6 minutes later
    ReplayResult judged = new Replayer().replay(List.of(
        Events.in(Events.rootLogin("ct-1", ACCOUNT, at(0), "YES", true)),
        Events.in(Events.userCall("ct-2", "999988887777", at(6), "DescribeInstances"))));
    assertThat(judged.alerts()).extracting(a -> a.getAlertType()).containsExactly("UNAUTHORIZED_ROOT_USE");
    assertThat(judged.alerts()).singleElement().satisfies(a -> assertThat(a.getDetectedAt()).isEqualTo(at(6)));

    // the latest event is only 4 minutes later: no later grant can arrive, so the end decides at once
    // (at the last stream time), instead of leaving the root login unjudged
    ReplayResult atTheEnd = new Replayer().replay(List.of(
        Events.in(Events.rootLogin("ct-1", ACCOUNT, at(0), "YES", true)),
        Events.in(Events.userCall("ct-2", "999988887777", at(4), "DescribeInstances"))));
    assertThat(atTheEnd.alerts()).extracting(a -> a.getAlertType()).containsExactly("UNAUTHORIZED_ROOT_USE");
    assertThat(atTheEnd.alerts()).singleElement().satisfies(a -> assertThat(a.getDetectedAt()).isEqualTo(at(4)));
    assertThat(atTheEnd.timeline()).extracting(e -> e.getEntryId()).contains("cloudtrail:ct-1", "cloudtrail:ct-2");
  }

  @Test
  void countsInputsAndReportsDeadLetters() {
    GatewayEvent noType = GatewayEvent.newBuilder(Events.request("req-1", "alice", ACCOUNT, "jit", at(0)))
        .setType("bogus").build();
    ReplayResult r = new Replayer().replay(List.of(
        Events.in(Events.request("req-1", "alice", ACCOUNT, "jit", at(0))),
        Events.in(noType),
        Events.tick(at(1))));

    assertThat(r.inputCounts()).containsExactly(java.util.Map.entry(Topics.GATEWAY_EVENTS, 2L));
    assertThat(r.inputRecords()).isEqualTo(2);
    assertThat(r.deadLetters()).containsExactly(
        new ReplayResult.DeadLetter(Topics.GATEWAY_EVENTS, "req-1", "unknown gateway event type 'bogus'"));
  }

  @Test
  void emptyInputGivesAnEmptyResult() {
    ReplayResult r = new Replayer().replay(List.of());
    assertThat(r.alerts()).isEmpty();
    assertThat(r.timeline()).isEmpty();
    assertThat(r.inputRecords()).isZero();
  }

  @Test
  void rejectsTopicsThatAreNotInputsAndValuesOfTheWrongType() {
    assertThatThrownBy(() -> new Replayer().replay(List.of(
        new InputRecord(Topics.ALERTS, "k", Events.request("r", "a", ACCOUNT, "jit", at(0)), null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an input topic");
    assertThatThrownBy(() -> new Replayer().replay(List.of(
        new InputRecord(Topics.CLOUDTRAIL_EVENTS, ACCOUNT, Events.request("r", "a", ACCOUNT, "jit", at(0)), null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds CloudTrailEvent");
    assertThatThrownBy(() -> new Replayer().replay(List.of(new InputRecord(Topics.CLOUDTRAIL_EVENTS, null, null, null))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
