package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.event;
import static io.glasswatch.streams.correlation.FakeAccountContext.grant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RootLoginWithoutMfaRule} against a fake context. */
class RootLoginWithoutMfaRuleTest {
  private final RootLoginWithoutMfaRule rule = new RootLoginWithoutMfaRule();

  @Test
  void aCoveredSignInWithoutMfaIsRaisedUnderTheRequest() {
    AccountState s = account();
    AccountState.GrantView g = grant(s, "req-1", "alice", at(0), 60);
    AccountState.PendingRoot p = event("ct-1", at(5), "ConsoleLogin");
    p.loginWithoutMfa = true;
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.onCovered(s, p, g, ctx);

    assertThat(ctx.only().getCorrelationId()).isEqualTo("req-1");
    assertThat(ctx.only().getSubject()).isEqualTo("alice");
    assertThat(ctx.only().getEvidence()).containsExactly("ct-1");
  }

  @Test
  void aSignInWithMfaRaisesNothingCoveredOrNot() {
    AccountState s = account();
    AccountState.GrantView g = grant(s, "req-1", "alice", at(0), 60);
    AccountState.PendingRoot p = event("ct-1", at(5), "ConsoleLogin");
    FakeAccountContext ctx = new FakeAccountContext(at(11));

    rule.onCovered(s, p, g, ctx);
    rule.onUncovered(s, new AccountRule.Uncovered(List.of(), List.of(p)), ctx);

    assertThat(ctx.raised).isEmpty();
  }
}
