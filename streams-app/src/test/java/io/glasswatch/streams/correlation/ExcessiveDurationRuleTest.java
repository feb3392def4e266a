package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ExcessiveDurationRule} against a fake context. */
class ExcessiveDurationRuleTest {
  private final ExcessiveDurationRule rule = new ExcessiveDurationRule();

  @Test
  void aGrantLongerThanAnHourIsRaised() {
    RequestState s = requested("req-1", "alice", at(0));
    RequestState.Grant g = grant(s, "tok-1", at(1), minutes(61), true);

    assertThat(new FakeRequestContext(at(1)).judge(rule, s).only().getEvidence()).containsExactly(g.eventId());
  }

  @Test
  void aGrantOfExactlyAnHourIsAllowed() {
    RequestState s = requested("req-1", "alice", at(0));
    grant(s, "tok-1", at(1), minutes(60), true);

    assertThat(new FakeRequestContext(at(1)).judge(rule, s).raised).isEmpty();
  }
}
