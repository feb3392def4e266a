package io.glasswatch.streams.time;

import io.glasswatch.schema.Topics;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The time at which a processor evaluates its deadlines (decision delay, rotation deadline, session
 * overrun, lifecycle expiry and close), epoch milliseconds.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Replay ({@code wallClockDeadlines} false): deadline time is stream time, the largest record
 *       timestamp (event time) the task has seen; only records and clock ticks move it, so a replay
 *       of the same input gives the same decisions. A STREAM_TIME punctuator evaluates every
 *       {@code streamInterval} of stream time.
 *   <li>Live ({@code wallClockDeadlines} true): deadline time is {@code max(stream time, wall clock -
 *       allowedLateness)}, and a WALL_CLOCK_TIME punctuator evaluates every {@link #WALL_CLOCK_INTERVAL}
 *       besides the stream-time one, so a partition that receives nothing still reaches its deadlines.
 *       Events are assumed to arrive at most {@code allowedLateness} after they happened; older
 *       input replayed into a live pipeline (a demo of historical records) must switch this off
 *       (setting {@code streams.wall-clock-deadlines=false}), or its deadlines are all due at once.
 *   <li>Exactly once: a deadline belongs to one key of one task's state, and the processor records
 *       in that state that it was decided; both punctuators and the per-record evaluation see the
 *       record, so a deadline fires once per task and partition whichever of them reaches it first.
 * </ul>
 *
 * <p>End of input (replay only): the end-of-input tick brings stream time to
 * {@link Topics#END_OF_INPUT_TIME} ({@link #isEndOfInput}). From then on deadline time stays at the last
 * stream time seen before it ({@link #lastBeforeEnd()}), so deadlines after the last event stay open,
 * and {@link #atEnd()} tells the processor that no later input can arrive: a decision that only waited
 * for late input (decision delay) is taken at once. A clock that follows the wall clock (live) has no end
 * of input and ignores it.
 *
 * <p>The clock's only state is the last stream time it saw before the end of input, in memory; one
 * instance per processor.
 */
public final class DeadlineClock {
  /** Wall-clock interval of the live punctuator. */
  public static final Duration WALL_CLOCK_INTERVAL = Duration.ofSeconds(1);

  private final boolean wallClock;
  private final long allowedLateness;
  private long lastBeforeEnd = Long.MIN_VALUE;
  private boolean atEnd;

  /**
   * A clock.
   *
   * @param wallClockDeadlines whether the wall clock moves deadline time (live) or only stream time does (replay)
   * @param allowedLateness how far event time may lag behind the wall clock (live only; not negative)
   * @throws IllegalArgumentException when {@code allowedLateness} is negative
   * @throws NullPointerException when {@code allowedLateness} is null
   */
  public DeadlineClock(boolean wallClockDeadlines, Duration allowedLateness) {
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("allowedLateness must not be negative, got " + allowedLateness);
    }
    this.wallClock = wallClockDeadlines;
    this.allowedLateness = allowedLateness.toMillis();
  }

  /** Whether the wall clock moves deadline time. */
  public boolean wallClock() {
    return wallClock;
  }

  /**
   * Deadline time from its two sources, with this clock's allowed lateness.
   *
   * @param streamTime the task's stream time, epoch milliseconds (negative before the first record)
   * @param wallTime the wall clock, epoch milliseconds
   * @return {@code streamTime} in replay; {@code max(streamTime, wallTime - allowedLateness)} live
   */
  public long at(long streamTime, long wallTime) {
    return at(streamTime, wallTime, allowedLateness);
  }

  /**
   * Deadline time with another allowed lateness (an account's or tenant's policy).
   *
   * @param streamTime the task's stream time, epoch milliseconds
   * @param wallTime the wall clock, epoch milliseconds
   * @param lateness allowed lateness, milliseconds, not negative
   * @return {@code streamTime} in replay; {@code max(streamTime, wallTime - lateness)} live
   */
  public long at(long streamTime, long wallTime, long lateness) {
    if (!wallClock && isEndOfInput(streamTime)) {
      atEnd = true;
      return lastBeforeEnd;
    }
    observe(streamTime);
    return wallClock ? Math.max(streamTime, wallTime - lateness) : streamTime;
  }

  /** Whether {@code streamTime} is the end-of-input tick's ({@link Topics#END_OF_INPUT_TIME} or later). */
  public static boolean isEndOfInput(long streamTime) {
    return streamTime >= Topics.END_OF_INPUT_TIME;
  }

  /**
   * Notes the task's stream time (call on every record, before anything returns early), so that the end
   * of input knows the last time before it.
   */
  public void observe(long streamTime) {
    if (wallClock) {
      return; // live: no end of input
    }
    if (isEndOfInput(streamTime)) {
      atEnd = true;
    } else if (streamTime > lastBeforeEnd) {
      lastBeforeEnd = streamTime;
    }
  }

  /** Whether the end-of-input tick was seen: no later input can arrive. */
  public boolean atEnd() {
    return atEnd;
  }

  /** The last stream time seen before the end of input, epoch milliseconds ({@code Long.MIN_VALUE} if none). */
  public long lastBeforeEnd() {
    return lastBeforeEnd;
  }

  /**
   * How long a decision waits for late input, milliseconds: {@code decisionDelay}, or 0 once the end of
   * input was seen.
   */
  public long lateInputWait(Duration decisionDelay) {
    return atEnd ? 0 : decisionDelay.toMillis();
  }

  /**
   * Deadline time of the task behind {@code context} now: its stream time and its wall clock
   * ({@link ProcessorContext#currentSystemTimeMs()}, which TopologyTestDriver mocks).
   */
  public long now(ProcessorContext<?, ?> context) {
    return at(context.currentStreamTimeMs(), context.currentSystemTimeMs());
  }

  /**
   * Schedules {@code evaluate} on {@code context}: a STREAM_TIME punctuator every
   * {@code streamInterval}, plus, live, a WALL_CLOCK_TIME punctuator every
   * {@link #WALL_CLOCK_INTERVAL}; each passes {@link #now(ProcessorContext)}.
   *
   * @param context the processor's context (call from {@code init})
   * @param streamInterval stream-time interval, positive
   * @param evaluate the deadline evaluation, given deadline time in epoch milliseconds
   */
  public void schedule(ProcessorContext<?, ?> context, Duration streamInterval, LongConsumer evaluate) {
    context.schedule(streamInterval, PunctuationType.STREAM_TIME, t -> evaluate.accept(now(context)));
    if (wallClock) {
      context.schedule(WALL_CLOCK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> evaluate.accept(now(context)));
    }
  }

  @Override
  public String toString() {
    return wallClock ? "DeadlineClock[max(stream time, wall clock - " + Duration.ofMillis(allowedLateness) + ")]"
        : "DeadlineClock[stream time]";
  }
}
