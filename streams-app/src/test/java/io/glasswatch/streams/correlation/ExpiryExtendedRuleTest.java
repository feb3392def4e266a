package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ExpiryExtendedRule} against a fake context. */
class ExpiryExtendedRuleTest {
  private final ExpiryExtendedRule rule = new ExpiryExtendedRule();

  @Test
  void aSecondGrantExtendingTheSameTokenIsRaised() {
    RequestState s = requested("req-1", "alice", at(0));
    RequestState.Grant first = grant(s, "tok-1", at(1), minutes(30), true);
    RequestState.Grant second = grant(s, "tok-1", at(10), minutes(50), true);

    FakeRequestContext ctx = new FakeRequestContext(at(10)).judge(rule, s);

    assertThat(ctx.only().getEvidence()).containsExactly(second.eventId(), first.eventId());
    assertThat(ctx.only().getSummary()).contains("extends token");
  }

  @Test
  void aSingleGrantIsNothing() {
    RequestState s = requested("req-1", "alice", at(0));
    grant(s, "tok-1", at(1), minutes(30), true);

    assertThat(new FakeRequestContext(at(10)).judge(rule, s).raised).isEmpty();
  }
}
