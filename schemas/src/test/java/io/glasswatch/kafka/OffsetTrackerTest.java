package io.glasswatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("timeline", 0);
  private static final TopicPartition P1 = new TopicPartition("timeline", 1);

  private static Map<TopicPartition, OffsetAndMetadata> committable(OffsetTracker t) {
    return t.committable(tp -> -1);
  }

  @Test
  void commitsNothingBeforeTheFirstAcknowledgement() {
    OffsetTracker t = new OffsetTracker();
    t.assign(List.of(P0));
    t.register(P0, 0);
    t.register(P0, 1);
    assertThat(committable(t)).isEmpty();
    assertThat(t.pending()).isEqualTo(2);
  }

  @Test
  void holdsBackAnAcknowledgedOffsetAboveAnUnacknowledgedOne() {
    OffsetTracker t = new OffsetTracker();
    t.assign(List.of(P0));
    OffsetTracker.Ticket a = t.register(P0, 10);
    OffsetTracker.Ticket b = t.register(P0, 11);
    OffsetTracker.Ticket c = t.register(P0, 12);

    assertThat(t.ack(c)).isTrue();
    assertThat(committable(t)).isEmpty();
    assertThat(t.ack(a)).isTrue();
    assertThat(committable(t)).containsExactly(Map.entry(P0, new OffsetAndMetadata(11)));
    assertThat(t.ack(b)).isTrue();
    assertThat(committable(t)).containsExactly(Map.entry(P0, new OffsetAndMetadata(13)));
    assertThat(t.pending()).isZero();
  }

  @Test
  void skipsOffsetsThatWereNeverRegistered() {
    OffsetTracker t = new OffsetTracker();
    t.assign(List.of(P0));
    OffsetTracker.Ticket a = t.register(P0, 3);
    OffsetTracker.Ticket b = t.register(P0, 7);
    t.ack(b);
    t.ack(a);
    assertThat(committable(t)).containsEntry(P0, new OffsetAndMetadata(8));
  }

  @Test
  void tracksPartitionsIndependently() {
    OffsetTracker t = new OffsetTracker();
    t.assign(List.of(P0, P1));
    OffsetTracker.Ticket a0 = t.register(P0, 0);
    t.register(P0, 1);
    OffsetTracker.Ticket a1 = t.register(P1, 0);
    t.ack(a0);
    t.ack(a1);
    assertThat(committable(t)).containsOnly(Map.entry(P0, new OffsetAndMetadata(1)), Map.entry(P1, new OffsetAndMetadata(1)));
    assertThat(t.pending(P0)).isEqualTo(1);
    assertThat(t.pending(P1)).isZero();
  }

  @Test
  void offersACommitOnlyWhenThePositionMovedSinceTheLastCommit() {
    OffsetTracker t = new OffsetTracker();
    t.assign(List.of(P0));
    t.ack(t.register(P0, 0));
    Map<TopicPartition, OffsetAndMetadata> first = committable(t);
    t.committed(first);
    assertThat(committable(t)).isEmpty();
    assertThat(t.lastCommitted(P0)).isEqualTo(1);
    t.ack(t.register(P0, 1));
    assertThat(committable(t)).containsEntry(P0, new OffsetAndMetadata(2));
  }

  @Test
  void usesTheConsumerPositionWhenNothingIsInFlight() {
    OffsetTracker t = new OffsetTracker();
    t.assign(List.of(P0));
    t.ack(t.register(P0, 4));
    // offset 5 was a transaction marker: the consumer's position is already 6
    assertThat(t.committable(tp -> 6)).containsEntry(P0, new OffsetAndMetadata(6));
    t.register(P0, 6);
    assertThat(t.committable(tp -> 7)).containsEntry(P0, new OffsetAndMetadata(5));
  }

  @Test
  void ignoresStaleAndRepeatedAcknowledgements() {
    OffsetTracker t = new OffsetTracker();
    t.assign(List.of(P0));
    OffsetTracker.Ticket old = t.register(P0, 0);
    t.forget(List.of(P0));
    assertThat(t.pending()).isZero();
    t.assign(List.of(P0));
    OffsetTracker.Ticket fresh = t.register(P0, 0);

    assertThat(t.isCurrent(old)).isFalse();
    assertThat(t.ack(old)).isFalse();
    assertThat(committable(t)).isEmpty();
    assertThat(t.ack(fresh)).isTrue();
    assertThat(t.ack(fresh)).isFalse();
    assertThat(t.pending()).isZero();
    assertThat(committable(t)).containsEntry(P0, new OffsetAndMetadata(1));
  }

  @Test
  void refusesOffsetsRegisteredOutOfOrder() {
    OffsetTracker t = new OffsetTracker();
    t.register(P0, 5);
    assertThatThrownBy(() -> t.register(P0, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.register(P0, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverOffersAnOffsetPastAnUnacknowledgedRecordUnderRandomAckOrder() {
    Random random = new Random(42);
    for (int round = 0; round < 50; round++) {
      OffsetTracker t = new OffsetTracker();
      t.assign(List.of(P0));
      List<OffsetTracker.Ticket> tickets = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        tickets.add(t.register(P0, i * 2L));
      }
      Collections.shuffle(tickets, random);
      boolean[] done = new boolean[400];
      for (OffsetTracker.Ticket ticket : tickets) {
        t.ack(ticket);
        done[(int) ticket.offset()] = true;
        OffsetAndMetadata c = committable(t).get(P0);
        if (c != null) {
          for (int o = 0; o < c.offset(); o += 2) {
            assertThat(done[o]).as("offset %d committed before it was acknowledged", o).isTrue();
          }
          t.committed(Map.of(P0, c));
        }
      }
      assertThat(t.lastCommitted(P0)).isEqualTo(399);
    }
  }
}
