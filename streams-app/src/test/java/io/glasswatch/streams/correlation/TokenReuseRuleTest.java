package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static io.glasswatch.streams.correlation.FakeRequestContext.use;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link TokenReuseRule} against a fake context. */
class TokenReuseRuleTest {
  private final TokenReuseRule rule = new TokenReuseRule();

  @Test
  void theSecondUseOfASingleUseTokenRevokesAtOnceOnce() {
    RequestState s = requested("req-1", "alice", at(0));
    grant(s, "tok-1", at(1), minutes(30), true);
    String first = use(s, "tok-1", "allow", at(2)).eventId;
    String second = use(s, "tok-1", "deny", at(3)).eventId;
    FakeRequestContext ctx = new FakeRequestContext(at(3)).judge(rule, s).judge(rule, s);

    assertThat(ctx.only().getEvidence()).containsExactly(first, second);
    assertThat(ctx.raised.get(0).atOnce()).isTrue();
  }

  @Test
  void aMultiUseTokenMayBeUsedAgain() {
    RequestState s = requested("req-1", "alice", at(0));
    grant(s, "tok-1", at(1), minutes(30), false);
    use(s, "tok-1", "allow", at(2));
    use(s, "tok-1", "allow", at(3));

    assertThat(new FakeRequestContext(at(3)).judge(rule, s).raised).isEmpty();
  }
}
