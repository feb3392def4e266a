package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.grant;
import static io.glasswatch.streams.correlation.FakeAccountContext.rootUse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link SessionOverrunRule} against a fake context. */
class SessionOverrunRuleTest {
  private final SessionOverrunRule rule = new SessionOverrunRule();

  private static AccountState session(double lastUse) {
    AccountState s = account();
    AccountState.GrantView g = grant(s, "req-1", "alice", at(0), 120);
    s.declarations.add(new AccountState.Declaration("req-1/root_declaration/1", at(1), "req-1", 30L));
    rootUse(g, "ct-1", at(2));
    rootUse(g, "ct-2", at(lastUse));
    return s;
  }

  @Test
  void rootUseAfterTheDeclaredDurationIsRaisedDecisionDelayLater() {
    AccountState s = session(45);
    FakeAccountContext ctx = new FakeAccountContext(at(49));

    assertThat(rule.nextDue(s, ctx)).isEqualTo(at(50));
    rule.evaluate(s, ctx.now, ctx);
    assertThat(ctx.raised).isEmpty();

    ctx.now = at(50);
    rule.evaluate(s, ctx.now, ctx);
    assertThat(ctx.only().getAlertType()).isEqualTo("SESSION_OVERRUN");
    assertThat(ctx.only().getEvidence()).containsExactly("ct-2", "req-1/root_declaration/1");
  }

  @Test
  void rootUseWithinTheDeclaredDurationIsNoOverrun() {
    AccountState s = session(30);
    FakeAccountContext ctx = new FakeAccountContext(at(200));

    rule.evaluate(s, ctx.now, ctx);

    assertThat(ctx.raised).isEmpty();
    assertThat(rule.nextDue(s, ctx)).isNull();
  }
}
