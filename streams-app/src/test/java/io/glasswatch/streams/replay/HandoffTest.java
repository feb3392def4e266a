package io.glasswatch.streams.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class HandoffTest {
  @Test
  void everyItemArrivesInOrderAcrossBatchesThenTheEnd() {
    List<Integer> got = new ArrayList<>();
    try (Handoff.Producing<Integer> h = Handoff.produce("test-producer", i -> 1, put -> {
      for (int i = 0; i < 10_007; i++) {
        put.accept(i);
      }
    })) {
      h.forEachRemaining(got::add);
      assertThat(h.hasNext()).isFalse();
    }
    assertThat(got).hasSize(10_007).isSorted().startsWith(0).endsWith(10_006);
  }

  @Test
  void aProducerFailureArrivesAfterEveryItemPutBeforeItAsTheSameException() {
    UncheckedIOException boom = new UncheckedIOException("disk gone", new java.io.IOException("disk gone"));
    List<Integer> got = new ArrayList<>();
    try (Handoff.Producing<Integer> h = Handoff.produce("test-producer", i -> 1, put -> {
      for (int i = 0; i < 1000; i++) {
        put.accept(i);
      }
      throw boom;
    })) {
      assertThatThrownBy(() -> h.forEachRemaining(got::add)).isSameAs(boom);
      assertThat(h.hasNext()).as("after the failure, the end").isFalse();
    }
    assertThat(got).hasSize(1000).isSorted();
  }

  @Test
  void aCheckedFailureIsWrappedAndAnErrorPassesUnchanged() {
    Handoff<Integer> checked = new Handoff<>(4, 2);
    checked.put(1);
    checked.fail(new java.io.IOException("unreadable"));
    assertThat(checked.next()).isEqualTo(1);
    assertThatThrownBy(checked::hasNext).isInstanceOf(IllegalStateException.class)
        .hasMessage("unreadable").hasCauseInstanceOf(java.io.IOException.class);

    Handoff<Integer> error = new Handoff<>(4, 1);
    StackOverflowError deep = new StackOverflowError("deep");
    error.fail(deep);
    assertThatThrownBy(error::hasNext).isSameAs(deep);
  }

  @Test
  void theProducerCannotRunMoreThanTheBoundAhead() {
    AtomicInteger produced = new AtomicInteger();
    Handoff<Integer> h = new Handoff<>(2, 3);
    Thread t = Thread.ofPlatform().daemon().start(() -> {
      try {
        for (int i = 0; i < 1000; i++) {
          h.put(i);
          produced.incrementAndGet();
        }
        h.end();
      } catch (Handoff.Cancelled c) {
        // stopped below
      }
    });
    // 3 full batches wait, a 4th is being filled: the 7th put blocks (2 * 3 + 1 = 7 items accepted)
    await().atMost(Duration.ofSeconds(10)).until(() -> produced.get() == 7 && t.getState() == Thread.State.TIMED_WAITING);
    assertThat(produced.get()).isEqualTo(7);
    assertThat(h.next()).isZero();
    h.cancel();
    await().atMost(Duration.ofSeconds(10)).until(() -> !t.isAlive());
  }

  @Test
  void closingBeforeTheEndStopsABlockedProducerWhichSeesCancelled() {
    AtomicBoolean sawCancel = new AtomicBoolean();
    AtomicInteger produced = new AtomicInteger();
    Handoff.Producing<Integer> h = Handoff.produce("test-producer", i -> 1, put -> {
      try {
        for (int i = 0; ; i++) {
          put.accept(i);
          produced.incrementAndGet();
        }
      } catch (Handoff.Cancelled c) {
        sawCancel.set(true);
        throw c;
      }
    });
    assertThat(h.next()).isZero();
    h.close(); // returns only once the producer's thread has ended
    assertThat(sawCancel).isTrue();
    assertThat(produced.get()).isLessThan(Handoff.DEFAULT_BATCH * (Handoff.DEFAULT_BATCHES + 3));
  }

  @Test
  void aBatchIsHandedOnOnceItsWeightReachesTheBound() {
    // items of 400 "bytes", batches handed on at 1000: three items per batch, so 2 batches + 1 item wait
    Handoff<String> h = new Handoff<>(1000, 2, item -> 400, 1000);
    AtomicInteger produced = new AtomicInteger();
    Thread t = Thread.ofPlatform().daemon().start(() -> {
      try {
        for (int i = 0; i < 100; i++) {
          h.put("x" + i);
          produced.incrementAndGet();
        }
      } catch (Handoff.Cancelled c) {
        // stopped below
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> produced.get() == 8 && t.getState() == Thread.State.TIMED_WAITING);
    assertThat(produced.get()).isEqualTo(8);
    assertThat(h.next()).isEqualTo("x0");
    h.cancel();
    await().atMost(Duration.ofSeconds(10)).until(() -> !t.isAlive());
  }

  @Test
  void anAvroRecordWeighsAboutItsStrings() {
    io.glasswatch.schema.CloudTrailEvent e = io.glasswatch.streams.testing.Events.userCall("ct-1", "111122223333",
        java.time.Instant.parse("2026-01-01T00:00:00Z"), "X");
    e.setRecord("x".repeat(100_000));
    assertThat(Handoff.weigh(e)).isBetween(200_000L, 210_000L);
    assertThat(Handoff.weigh(null)).isEqualTo(64);
  }

  @Test
  void aPutAfterTheEndIsRefusedAndSizesBelowOneAreRejected() {
    Handoff<Integer> h = new Handoff<>(1, 1);
    h.end();
    assertThatThrownBy(() -> h.put(1)).isInstanceOf(IllegalStateException.class);
    assertThat(h.hasNext()).isFalse();
    assertThatThrownBy(() -> new Handoff<>(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Handoff<>(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Handoff<Integer>(1, 1, i -> 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
