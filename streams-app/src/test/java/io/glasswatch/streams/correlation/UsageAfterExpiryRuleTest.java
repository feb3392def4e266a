package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static io.glasswatch.streams.correlation.FakeRequestContext.use;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link UsageAfterExpiryRule} against a fake context. */
class UsageAfterExpiryRuleTest {
  private final UsageAfterExpiryRule rule = new UsageAfterExpiryRule();

  @Test
  void anAllowedUseAtExpiresAtIsRaisedWithTheGrantAsCause() {
    RequestState s = requested("req-1", "alice", at(0));
    RequestState.Grant g = grant(s, "tok-1", at(1), minutes(30), false);
    String late = use(s, "tok-1", "allow", at(31)).eventId;
    FakeRequestContext ctx = new FakeRequestContext(at(31)).judge(rule, s).judge(rule, s);

    assertThat(ctx.only().getEvidence()).containsExactly(late, g.eventId());
    assertThat(ctx.raised.get(0).atOnce()).isTrue();
  }

  @Test
  void aDeniedUseAfterExpiryOrAnAllowedOneBeforeIsFine() {
    RequestState s = requested("req-1", "alice", at(0));
    grant(s, "tok-1", at(1), minutes(30), false);
    use(s, "tok-1", "allow", at(30.9));
    use(s, "tok-1", "deny", at(40));

    assertThat(new FakeRequestContext(at(40)).judge(rule, s).raised).isEmpty();
  }
}
