package io.glasswatch.streams.correlation;

import java.util.List;

/**
 * When stage B decides a root event no grant covers yet (SPEC section 2, "page at once, resolve on a late
 * grant"). Times are epoch milliseconds.
 *
 * <ul>
 *   <li>FINAL: deadline time reached {@code eventTime + decisionDelay} (0 at the end of a replay's input):
 *       every grant that could cover the event is in state, the decision stands and its revokes are issued.
 *       Replay decides only so, in event time, with the whole input.
 *   <li>PROVISIONAL (live only, before that): the event is paged as soon as nothing can be missing any more
 *       as far as the gateway knows, that is when no gateway source is configured ({@code gatewaySources}
 *       empty), or when every configured source reported progress at or past the event's time
 *       ({@link GatewayProgress}), or when the wall clock passed {@code eventTime + decisionDelay} (a source
 *       that stops reporting holds no page back longer than that). Until the decision is final a grant that
 *       covers the event (within {@code skew}) resolves the page and its revoke is never issued
 *       ({@link ProvisionalDecisions}).
 *   <li>WAIT: otherwise.
 * </ul>
 *
 * <p>Deadline time is {@code max(stream time, wall clock - allowedLateness)} live, stream time in replay
 * ({@link io.glasswatch.streams.time.DeadlineClock}); progress marks carry the wall clock of their source as
 * record time, so a partition that only receives marks still moves in stream time.
 */
final class RootDecision {
  /** The verdict on one pending event. */
  enum Verdict { WAIT, PROVISIONAL, FINAL }

  private RootDecision() {}

  /**
   * The verdict on a pending root event.
   *
   * @param eventTime the event's time
   * @param deadlineTime deadline time now
   * @param wallTime the wall clock now
   * @param lateInputWait the decision delay in force ({@code DeadlineClock.lateInputWait}), milliseconds
   * @param live whether deadlines follow the wall clock (live operation) rather than stream time alone
   * @param sources the configured gateway sources
   * @param progress the progress of {@code sources} together ({@link GatewayProgress#of(java.util.Collection)}),
   *     or null while unknown
   */
  static Verdict of(long eventTime, long deadlineTime, long wallTime, long lateInputWait, boolean live,
      List<String> sources, Long progress) {
    if (eventTime + lateInputWait <= deadlineTime) {
      return Verdict.FINAL;
    }
    if (!live) {
      return Verdict.WAIT;
    }
    if (sources.isEmpty() || progress != null && progress >= eventTime || eventTime + lateInputWait <= wallTime) {
      return Verdict.PROVISIONAL;
    }
    return Verdict.WAIT;
  }

  /**
   * The deadline time at which a pending event next needs a look without new input: live its own time (it
   * may become decidable with any progress mark or second of wall clock), else its final decision time.
   */
  static long due(long eventTime, long lateInputWait, boolean live) {
    return live ? eventTime : eventTime + lateInputWait;
  }
}
