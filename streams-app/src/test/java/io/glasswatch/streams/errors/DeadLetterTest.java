package io.glasswatch.streams.errors;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.input.ClockTick;
import io.glasswatch.streams.input.InvalidInputException;
import io.glasswatch.streams.testing.Driver;
import io.glasswatch.streams.testing.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterTest {
  @TempDir Path stateDir;

  @Test
  void undeserializableBytesGoToTheDeadLetterTopicAndTheRestIsProcessed() {
    byte[] garbage = {(byte) 0xff, 0x01, 0x02, 'n', 'o', 't', ' ', 'a', 'v', 'r', 'o'};
    try (Driver d = new Driver(stateDir)) {
      d.raw(Topics.CLOUDTRAIL_EVENTS).pipeInput(new TestRecord<>(ACCOUNT, garbage, new RecordHeaders(), at(0)));
      d.cloudTrail().pipeInput(ACCOUNT, Events.userCall("ct-ok", ACCOUNT, at(1), "DescribeInstances"), at(1));

      List<TestRecord<byte[], byte[]>> dead = d.deadLetter().readRecordsToList();
      assertThat(dead).hasSize(1);
      TestRecord<byte[], byte[]> r = dead.get(0);
      assertThat(r.value()).isEqualTo(garbage);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(ACCOUNT);
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.CLOUDTRAIL_EVENTS);
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).startsWith("cannot deserialize: ");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.EXCEPTION)).isNotBlank();
      assertThat(r.headers().lastHeader("__streams.errors.topic")).as("Kafka Streams' own DLQ headers").isNotNull();

      assertThat(d.timeline().readValuesToList()).singleElement()
          .satisfies(e -> assertThat(e.getEntryId()).isEqualTo("cloudtrail:ct-ok"));
    }
  }

  @Test
  void anEventTimeAtTheEndOfInputTickGoesToTheDeadLetterTopicAndEndsNothing() {
    java.time.Instant end = java.time.Instant.ofEpochMilli(Topics.END_OF_INPUT_TIME);
    try (Driver d = new Driver(stateDir)) {
      d.cloudTrail().pipeInput(ACCOUNT, Events.rootLogin("ct-root", ACCOUNT, at(0), "YES", true), at(0));
      d.cloudTrail().pipeInput(ACCOUNT, Events.userCall("ct-end", ACCOUNT, end, "DescribeInstances"), at(1));

      TestRecord<byte[], byte[]> r = d.deadLetter().readRecord();
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))
          .contains("at or after the end-of-input tick's time");
      assertThat(d.alerts().readValuesToList()).as("the pending root sign-in still waits for late input").isEmpty();
    }
  }

  @Test
  void recordThatCannotBeCorrelatedGoesToTheDeadLetterTopicWithItsReason() {
    GatewayEvent noRequest = GatewayEvent.newBuilder(Events.usage("req-x", "tok", "alice", "allow", at(0)))
        .setRequestId(null).build();
    try (Driver d = new Driver(stateDir)) {
      byte[] raw = d.bytes(Topics.GATEWAY_EVENTS, noRequest);
      d.raw(Topics.GATEWAY_EVENTS).pipeInput(new TestRecord<>("req-x", raw, new RecordHeaders(), at(0)));
      d.gateway().pipeInput("req-y", Events.request("req-y", "alice", ACCOUNT, "jit", at(1)), at(1));

      TestRecord<byte[], byte[]> r = d.deadLetter().readRecord();
      assertThat(r.value()).isEqualTo(raw);
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))
          .isEqualTo("gateway event of type usage has no requestId");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.EXCEPTION))
          .isEqualTo(InvalidInputException.class.getName());
      assertThat(d.timeline().readValuesToList()).filteredOn(e -> "event".equals(e.getKind()))
          .extracting(e -> e.getEntryId()).containsExactly("gateway:req-y/request/1");
    }
  }

  @Test
  void keyThatIsNotTheRequestIdIsRejected() {
    try (Driver d = new Driver(stateDir)) {
      d.gateway().pipeInput("wrong-key", Events.request("req-z", "alice", ACCOUNT, "jit", at(0)), at(0));

      assertThat(DeadLetterHeaders.get(d.deadLetter().readRecord().headers(), DeadLetterHeaders.REASON))
          .contains("is not its requestId");
      assertThat(d.timeline().isEmpty()).isTrue();
    }
  }

  @Test
  void clockTickProducesNothingButANullValueWithoutTheTickHeaderIsDeadLettered() {
    try (Driver d = new Driver(stateDir)) {
      d.raw(Topics.CLOUDTRAIL_EVENTS).pipeInput(new TestRecord<>(null, null, ClockTick.headers(), at(0)));
      assertThat(d.driver().producedTopicNames()).doesNotContain(Topics.DEAD_LETTER, Topics.TIMELINE, Topics.ALERTS);

      d.raw(Topics.CLOUDTRAIL_EVENTS).pipeInput(new TestRecord<>(ACCOUNT, null, new RecordHeaders(), at(1)));
      TestRecord<byte[], byte[]> r = d.deadLetter().readRecord();
      assertThat(r.value()).isNull();
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).contains(ClockTick.HEADER);
    }
  }
}
