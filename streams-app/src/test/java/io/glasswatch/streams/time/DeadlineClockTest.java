package io.glasswatch.streams.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class DeadlineClockTest {
  private static final Duration LATENESS = Duration.ofMinutes(10);

  @Test
  void replayFollowsStreamTimeAlone() {
    DeadlineClock clock = new DeadlineClock(false, LATENESS);

    assertThat(clock.at(1_000, 10_000_000)).isEqualTo(1_000);
    assertThat(clock.wallClock()).isFalse();
    assertThat(clock).hasToString("DeadlineClock[stream time]");
  }

  @Test
  void liveTakesTheLaterOfStreamTimeAndWallClockLessTheLateness() {
    DeadlineClock clock = new DeadlineClock(true, LATENESS);
    long wall = 100 * 60_000L;

    assertThat(clock.at(0, wall)).isEqualTo(wall - LATENESS.toMillis());
    assertThat(clock.at(wall, wall)).as("stream time ahead of the wall clock wins").isEqualTo(wall);
    assertThat(clock.at(-1, wall, 0)).as("another policy's lateness").isEqualTo(wall);
  }

  @Test
  void schedulesAWallClockPunctuatorOnlyLive() {
    List<Long> evaluated = new ArrayList<>();
    MockProcessorContext<Object, Object> live = new MockProcessorContext<>();
    new DeadlineClock(true, LATENESS).schedule(live, Duration.ofSeconds(10), evaluated::add);
    MockProcessorContext<Object, Object> replay = new MockProcessorContext<>();
    new DeadlineClock(false, LATENESS).schedule(replay, Duration.ofSeconds(10), evaluated::add);

    assertThat(live.scheduledPunctuators()).extracting(MockProcessorContext.CapturedPunctuator::getType)
        .containsExactly(PunctuationType.STREAM_TIME, PunctuationType.WALL_CLOCK_TIME);
    assertThat(live.scheduledPunctuators().get(1).getInterval()).isEqualTo(DeadlineClock.WALL_CLOCK_INTERVAL);
    assertThat(replay.scheduledPunctuators()).extracting(MockProcessorContext.CapturedPunctuator::getType)
        .containsExactly(PunctuationType.STREAM_TIME);

    live.setCurrentStreamTimeMs(5_000);
    live.setCurrentSystemTimeMs(LATENESS.toMillis() + 60_000);
    live.scheduledPunctuators().get(1).getPunctuator().punctuate(0);
    assertThat(evaluated).containsExactly(60_000L);
  }

  @Test
  void rejectsANegativeOrMissingLateness() {
    assertThatThrownBy(() -> new DeadlineClock(true, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowedLateness");
    assertThatThrownBy(() -> new DeadlineClock(true, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void atTheEndOfInputReplayTimeStaysAtTheLastStreamTimeAndStopsWaitingForLateInput() {
    DeadlineClock clock = new DeadlineClock(false, Duration.ZERO);
    clock.observe(1_000);
    assertThat(clock.at(5_000, 0)).isEqualTo(5_000);
    assertThat(clock.atEnd()).isFalse();
    assertThat(clock.lateInputWait(Duration.ofMinutes(5))).isEqualTo(300_000);

    assertThat(clock.at(io.glasswatch.schema.Topics.END_OF_INPUT_TIME, 0)).isEqualTo(5_000);
    assertThat(clock.atEnd()).isTrue();
    assertThat(clock.lateInputWait(Duration.ofMinutes(5))).isZero();
  }

  @Test
  void aLiveClockHasNoEndOfInput() {
    DeadlineClock clock = new DeadlineClock(true, Duration.ZERO);
    clock.observe(io.glasswatch.schema.Topics.END_OF_INPUT_TIME);

    assertThat(clock.atEnd()).isFalse();
    assertThat(clock.lateInputWait(Duration.ofMinutes(5))).isEqualTo(300_000);
  }
}
