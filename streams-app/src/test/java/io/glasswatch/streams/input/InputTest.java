package io.glasswatch.streams.input;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.streams.testing.Events;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class InputTest {
  private final EventTimeExtractor extractor = new EventTimeExtractor();

  private long extract(Object value, long recordTimestamp) {
    return extractor.extract(new ConsumerRecord<>("t", 0, 0, recordTimestamp, null, 0, 0, null, value,
        new RecordHeaders(), java.util.Optional.empty()), 42L);
  }

  @Test
  void eventTimeComesFromTheValueNotTheRecordTimestamp() {
    assertThat(extract(Events.request("r", "a", ACCOUNT, "jit", at(1)), 5L)).isEqualTo(at(1).toEpochMilli());
    assertThat(extract(Events.userCall("c", ACCOUNT, at(2), "X"), 5L)).isEqualTo(at(2).toEpochMilli());
    GuardDutyFinding f = GuardDutyFinding.newBuilder(Events.rootUsageFinding("g", ACCOUNT, at(3), false))
        .setEventLastSeen(null).setUpdatedAt(at(4)).build();
    assertThat(extract(f, 5L)).isEqualTo(at(4).toEpochMilli());
    assertThat(extract(null, 7L)).as("clock tick: record timestamp").isEqualTo(7L);
    assertThat(extract(null, -1L)).as("no timestamp at all: partition time").isEqualTo(42L);
  }

  @Test
  void revokeResultsMoveStreamTimeByTheirCommandsIssueTime() {
    RevokeResult r = RevokeResult.newBuilder().setCommandId("c").setCorrelationId("r").setOutcome("CONFIRMED")
        .setCommandIssuedAt(at(1)).setStartedAt(Instant.now()).setCompletedAt(Instant.now()).build();
    assertThat(extract(r, 5L)).isEqualTo(at(1).toEpochMilli());
  }

  @Test
  void clockTickHeaderIsRecognised() {
    assertThat(ClockTick.isTick(ClockTick.headers())).isTrue();
    RecordHeaders other = new RecordHeaders();
    other.add(ClockTick.HEADER, "false".getBytes(StandardCharsets.UTF_8));
    assertThat(ClockTick.isTick(other)).isFalse();
    assertThat(ClockTick.isTick(new RecordHeaders())).isFalse();
  }

  @Test
  void validationNamesTheProblem() {
    GatewayEvent unknown = GatewayEvent.newBuilder(Events.request("r", "a", ACCOUNT, "jit", at(0))).setType("reboot").build();
    assertThatThrownBy(() -> InputValidation.gateway("r", unknown)).hasMessage("unknown gateway event type 'reboot'");
    GatewayEvent rotation = GatewayEvent.newBuilder(Events.rotation(ACCOUNT, "root_password", at(0))).setAccountId(null).build();
    assertThatThrownBy(() -> InputValidation.gateway(ACCOUNT, rotation))
        .hasMessage("gateway event of type rotation has no accountId");
    InputValidation.gateway(ACCOUNT, Events.rotation(ACCOUNT, "root_password", at(0)));
    assertThatThrownBy(() -> InputValidation.cloudTrail("999999999999", Events.userCall("c", ACCOUNT, at(0), "X")))
        .hasMessageContaining("is not its recipientAccountId");
    assertThatThrownBy(() -> InputValidation.guardDuty(null, Events.rootUsageFinding("g", ACCOUNT, at(0), false)))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void anEventTimeBefore1970IsStampedWithThePartitionTimeSoThatItIsNotDropped() {
    assertThat(extract(Events.userCall("old", ACCOUNT, Instant.parse("1969-12-31T23:59:59Z"), "X"), 5L)).isEqualTo(42L);
    assertThat(extract(Events.userCall("epoch", ACCOUNT, Instant.EPOCH, "X"), 5L)).isZero();
  }

  @Test
  void anEventTimeAtTheEndOfInputTickIsStampedWithThePartitionTimeSoThatItCannotEndTheInput() {
    Instant end = Instant.ofEpochMilli(io.glasswatch.schema.Topics.END_OF_INPUT_TIME);
    assertThat(extract(Events.userCall("end", ACCOUNT, end, "X"), 5L)).isEqualTo(42L);
    assertThat(extract(Events.userCall("last", ACCOUNT, end.minusMillis(1), "X"), 5L))
        .isEqualTo(io.glasswatch.schema.Topics.END_OF_INPUT_TIME - 1);
  }
}
