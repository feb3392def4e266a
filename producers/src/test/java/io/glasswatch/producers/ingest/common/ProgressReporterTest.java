package io.glasswatch.producers.ingest.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link ProgressReporter}: what a push and a pull source vouch for, and when a mark goes out. */
class ProgressReporterTest {
  private final AtomicLong now = new AtomicLong(10_000);
  private final List<Long> sent = new ArrayList<>();

  private ProgressReporter reporter(ProgressReporter.Mode mode) {
    return new ProgressReporter("ingest-http", mode, (source, time) -> {
      assertThat(source).isEqualTo("ingest-http");
      sent.add(time);
    }, now::get);
  }

  @Test
  void anIdlePushSourceVouchesForEverythingUpToNow() {
    ProgressReporter r = reporter(ProgressReporter.Mode.PUSH);

    assertThat(r.tick()).isTrue();
    now.set(10_500);
    r.tick();
    assertThat(sent).containsExactly(10_000L, 10_500L);
  }

  @Test
  void aRequestInFlightHoldsThePushSourceJustBeforeItsArrival() {
    ProgressReporter r = reporter(ProgressReporter.Mode.PUSH);
    long first = r.begin();
    now.set(11_000);
    long second = r.begin();
    now.set(12_000);

    assertThat(r.progress()).as("the request of 10 000 is not acknowledged yet").isEqualTo(9_999L);
    r.end(second, true);
    assertThat(r.progress()).isEqualTo(9_999L);
    r.end(first, true);
    assertThat(r.progress()).as("idle again").isEqualTo(12_000L);
    assertThat(sent).as("a mark right after the delivery, none that went back").containsExactly(9_999L, 12_000L);
  }

  @Test
  void aPullSourceVouchesOnlyForTheStartOfItsLastCompletePoll() {
    ProgressReporter r = reporter(ProgressReporter.Mode.PULL);
    assertThat(r.tick()).as("no poll yet: nothing to vouch for").isFalse();

    long poll = r.begin();
    now.set(10_300);
    r.end(poll, true);
    now.set(11_000);
    assertThat(r.progress()).as("lines appended after 10 000 are unread").isEqualTo(10_000L);

    long failed = r.begin();
    now.set(12_000);
    r.end(failed, false);
    assertThat(r.progress()).as("a failed or unfinished poll moves nothing").isEqualTo(10_000L);
    assertThat(sent).containsExactly(10_000L);
  }

  @Test
  void aMarkIsSentOnlyWhenTheProgressMoved() {
    ProgressReporter r = reporter(ProgressReporter.Mode.PUSH);
    r.tick();
    assertThat(r.tick()).as("same time").isFalse();
    assertThat(sent).hasSize(1);
  }

  @Test
  void aMarkThatCouldNotBeSentIsTriedAgain() {
    AtomicBoolean down = new AtomicBoolean(true);
    ProgressReporter r = new ProgressReporter("jit-webhook", ProgressReporter.Mode.PUSH, (source, time) -> {
      if (down.get()) {
        throw new IllegalStateException("Kafka unreachable");
      }
      sent.add(time);
    }, now::get);

    assertThat(r.tick()).isFalse();
    down.set(false);
    assertThat(r.tick()).isTrue();
    assertThat(sent).containsExactly(10_000L);
  }
}
