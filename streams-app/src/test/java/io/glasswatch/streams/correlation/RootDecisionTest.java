package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.RootDecision.Verdict.FINAL;
import static io.glasswatch.streams.correlation.RootDecision.Verdict.PROVISIONAL;
import static io.glasswatch.streams.correlation.RootDecision.Verdict.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RootDecision}: event at t = 100 000 ms, decision delay 300 000 ms. */
class RootDecisionTest {
  private static final long T = 100_000;
  private static final long DELAY = 300_000;
  private static final List<String> GW = List.of("ingest-http");

  @Test
  void liveWithoutGatewaySourcesDecidesAtOnce() {
    assertThat(RootDecision.of(T, T, T, DELAY, true, List.of(), null)).isEqualTo(PROVISIONAL);
  }

  @Test
  void liveWaitsUntilTheSourcesProgressReachesTheEvent() {
    assertThat(RootDecision.of(T, T, T, DELAY, true, GW, null)).as("progress unknown").isEqualTo(WAIT);
    assertThat(RootDecision.of(T, T, T, DELAY, true, GW, T - 1)).as("one millisecond behind").isEqualTo(WAIT);
    assertThat(RootDecision.of(T, T, T, DELAY, true, GW, T)).isEqualTo(PROVISIONAL);
  }

  @Test
  void aSilentSourceHoldsThePageBackForTheDecisionDelayOfWallClockOnly() {
    assertThat(RootDecision.of(T, T, T + DELAY - 1, DELAY, true, GW, null)).isEqualTo(WAIT);
    assertThat(RootDecision.of(T, T, T + DELAY, DELAY, true, GW, null)).isEqualTo(PROVISIONAL);
  }

  @Test
  void theDecisionIsFinalOnceDeadlineTimeReachesTheDelay() {
    assertThat(RootDecision.of(T, T + DELAY, T + DELAY, DELAY, true, GW, null)).isEqualTo(FINAL);
    assertThat(RootDecision.of(T, T + DELAY - 1, T + DELAY * 3, DELAY, false, GW, T + DELAY)).as("replay")
        .isEqualTo(WAIT);
    assertThat(RootDecision.of(T, T + DELAY, 0, DELAY, false, List.of(), null)).isEqualTo(FINAL);
    assertThat(RootDecision.of(T, T, T, 0, false, GW, null)).as("end of input: no wait").isEqualTo(FINAL);
  }

  @Test
  void aPendingEventIsDueAtOnceLiveAndAtItsDelayInReplay() {
    assertThat(RootDecision.due(T, DELAY, true)).isEqualTo(T);
    assertThat(RootDecision.due(T, DELAY, false)).isEqualTo(T + DELAY);
  }
}
