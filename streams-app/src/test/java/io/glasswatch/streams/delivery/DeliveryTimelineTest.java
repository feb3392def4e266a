package io.glasswatch.streams.delivery;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.userCall;
import static io.glasswatch.streams.testing.Chains.assertChainsVerify;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.AlertDeliveryEvent;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.input.InvalidInputException;
import io.glasswatch.streams.testing.Driver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery events of the on-call dispatcher, through the whole topology, into the correlations' hash chains. */
class DeliveryTimelineTest {
  private static final String ACCOUNT_CORRELATION = "account:" + ACCOUNT;
  private static final Instant DELIVERED_AT = Instant.parse("2025-03-01T10:05:00.250Z");
  private static final String WEBHOOK = "https://hooks.slack.com/services/T000/B000/secret-part";

  @TempDir Path stateDir;

  private static AlertDeliveryEvent event(String type, String key, String channel, String correlationId,
      String requestId, int attempt, String outcome, String detail) {
    return AlertDeliveryEvent.newBuilder().setType(type).setKey(key).setChannel(channel).setKind("ALERT").setAlertId(key)
        .setAlertType("UNAUTHORIZED_ROOT_USE").setCorrelationId(correlationId).setRequestId(requestId)
        .setAccountId(ACCOUNT).setAttempt(attempt).setOutcome(outcome).setDetail(detail).setMillis(12)
        .setAt(DELIVERED_AT.plusMillis(attempt)).setEventTime(at(1)).build();
  }

  private static void pipe(Driver d, String key, AlertDeliveryEvent e) {
    pipe(d, key, d.bytes(Topics.ALERT_DELIVERY_EVENTS, e));
  }

  /** Piped with a wall-clock record time far after the input, as the dispatcher writes it. */
  private static void pipe(Driver d, String key, byte[] value) {
    d.raw(Topics.ALERT_DELIVERY_EVENTS).pipeInput(new TestRecord<>(key, value, new RecordHeaders(),
        Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void deliveryAttemptsAndOutcomesJoinTheirCorrelationsHashChains() {
    try (Driver d = new Driver(stateDir)) {
      d.gateway().pipeInput("req-d", request("req-d", "alice", ACCOUNT, "jit", at(0)), at(0));
      d.cloudTrail().pipeInput(ACCOUNT, userCall("ct-d1", ACCOUNT, at(1), "DescribeInstances"), at(1));

      pipe(d, ACCOUNT_CORRELATION, event("attempt", "a-acct", "pagerduty", ACCOUNT_CORRELATION, null, 1, "failure",
          "HTTP 503 from " + WEBHOOK));
      pipe(d, ACCOUNT_CORRELATION, event("attempt", "a-acct", "pagerduty", ACCOUNT_CORRELATION, null, 2, "success",
          "HTTP 202"));
      pipe(d, ACCOUNT_CORRELATION, event("outcome", "a-acct", "pagerduty", ACCOUNT_CORRELATION, null, 2, "success",
          "delivered"));
      pipe(d, "req-d", event("attempt", "a-req", "slack", "req-d", "req-d", 1, "success", "HTTP 200"));
      pipe(d, "req-d", event("outcome", "a-req", "slack", "req-d", "req-d", 1, "failure", "gave up"));

      List<TimelineEntry> timeline = d.timeline().readValuesToList();
      assertChainsVerify(timeline);

      assertThat(timeline).filteredOn(e -> e.getCorrelationId().equals(ACCOUNT_CORRELATION))
          .extracting(TimelineEntry::getEntryId)
          .containsExactly("cloudtrail:ct-d1", "delivery:a-acct:pagerduty:attempt-1",
              "delivery:a-acct:pagerduty:attempt-2", "delivery:a-acct:pagerduty:outcome");
      assertThat(timeline).filteredOn(e -> e.getCorrelationId().equals("req-d"))
          .extracting(TimelineEntry::getEntryId)
          .containsExactly("gateway:req-d/request/1", "state:req-d:requested", "delivery:a-req:slack:attempt-1",
              "delivery:a-req:slack:outcome");

      List<TimelineEntry> deliveries = timeline.stream().filter(e -> DeliveryEvent.KIND.equals(e.getKind())).toList();
      assertThat(deliveries).extracting(TimelineEntry::getAction).containsExactlyInAnyOrder(
          "delivery_attempt", "delivery_attempt", "delivered", "delivery_attempt", "delivery_failed");
      assertThat(deliveries).allSatisfy(e -> {
        assertThat(e.getSource()).isEqualTo("glasswatch");
        assertThat(e.getAlertType()).isEqualTo("UNAUTHORIZED_ROOT_USE");
        assertThat(e.getTimestamp()).isAfterOrEqualTo(DELIVERED_AT);
        assertThat(e.getMessage() + e.getDetails()).doesNotContain("hooks.slack.com").doesNotContain("secret-part");
      });
      TimelineEntry first = deliveries.stream()
          .filter(e -> e.getEntryId().equals("delivery:a-acct:pagerduty:attempt-1")).findFirst().orElseThrow();
      assertThat(first.getOutcome()).isEqualTo("failure");
      assertThat(first.getRequestId()).isNull();
      assertThat(first.getMessage()).isEqualTo("Delivery attempt 1 of alert a-acct to pagerduty: failure, HTTP 503 from <url> (12 ms)");
      assertThat(deliveries).filteredOn(e -> e.getCorrelationId().equals("req-d"))
          .allSatisfy(e -> assertThat(e.getRequestId()).isEqualTo("req-d"));
      assertThat(d.deadLetter().isEmpty()).isTrue();
    }
  }

  @Test
  void deliveryEventsNeverMoveStreamTimePastTheInput() {
    try (Driver d = new Driver(stateDir)) {
      // a root sign-in no grant covers: decided once stream time passes its decision delay (5 min)
      d.cloudTrail().pipeInput(ACCOUNT, rootLogin("ct-r1", ACCOUNT, at(1), "Yes", true), at(1));
      // an enforcement notice carries no alert, hence no eventTime; its wall-clock record time must not count
      AlertDeliveryEvent noEventTime = event("outcome", "revoke:c-1", "slack", ACCOUNT_CORRELATION, null, 1, "success",
          "delivered");
      noEventTime.setEventTime(null);
      pipe(d, ACCOUNT_CORRELATION, noEventTime);
      pipe(d, "req-s", event("attempt", "a-s", "slack", "req-s", "req-s", 1, "success", "HTTP 200"));

      assertThat(d.alerts().isEmpty()).as("no deadline ran on the delivery events' wall-clock time").isTrue();
      assertThat(d.timeline().readValuesToList()).extracting(TimelineEntry::getEntryId)
          .contains("delivery:revoke:c-1:slack:outcome", "delivery:a-s:slack:attempt-1");

      d.cloudTrail().pipeInput(ACCOUNT, userCall("ct-r2", ACCOUNT, at(10), "DescribeInstances"), at(10));
      assertThat(d.alerts().readValuesToList()).extracting(a -> a.getAlertType()).contains("UNAUTHORIZED_ROOT_USE");
    }
  }

  @Test
  void malformedDeliveryEventsGoToTheDeadLetterTopicDigestsAreDroppedAndTheRestIsFiled() {
    byte[] notAvro = "{\"type\":\"attempt\"}".getBytes(StandardCharsets.UTF_8);
    AlertDeliveryEvent digest = event("outcome", "digest:ROOT_LOGIN_FAILED:a-1", "slack", null, null, 1, "success",
        "delivered");
    try (Driver d = new Driver(stateDir)) {
      byte[] badType = d.bytes(Topics.ALERT_DELIVERY_EVENTS,
          event("retry", "a-x", "slack", "req-x", "req-x", 1, "success", "HTTP 200"));
      pipe(d, "req-x", notAvro);
      pipe(d, "req-x", badType);
      pipe(d, null, digest);
      pipe(d, "req-x", event("attempt", "a-x", "slack", "req-x", "req-x", 1, "success", "HTTP 200"));

      List<TestRecord<byte[], byte[]>> dead = d.deadLetter().readRecordsToList();
      assertThat(dead).hasSize(2);
      assertThat(dead.get(0).value()).isEqualTo(notAvro);
      assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.REASON)).startsWith("cannot deserialize: ");
      assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.SOURCE_TOPIC))
          .isEqualTo(Topics.ALERT_DELIVERY_EVENTS);
      assertThat(dead.get(1).value()).isEqualTo(badType);
      assertThat(DeadLetterHeaders.get(dead.get(1).headers(), DeadLetterHeaders.REASON))
          .isEqualTo("delivery event type must be attempt or outcome, got retry");
      assertThat(DeadLetterHeaders.get(dead.get(1).headers(), DeadLetterHeaders.EXCEPTION))
          .isEqualTo(InvalidInputException.class.getName());

      assertThat(d.timeline().readValuesToList()).singleElement().satisfies(e -> {
        assertThat(e.getEntryId()).isEqualTo("delivery:a-x:slack:attempt-1");
        assertThat(e.getSequence()).isEqualTo(1L);
      });
    }
  }
}
