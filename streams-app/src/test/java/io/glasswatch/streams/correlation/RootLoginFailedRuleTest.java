package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RootLoginFailedRule} against a fake context. */
class RootLoginFailedRuleTest {
  private final RootLoginFailedRule rule = new RootLoginFailedRule();

  @Test
  void anUncoveredFailedSignInIsRaisedOnTheAccount() {
    AccountState s = account();
    AccountState.PendingRoot p = event("ct-f1", at(0), "ConsoleLogin");
    p.failedLogin = true;
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.onUncovered(s, new AccountRule.Uncovered(List.of(), List.of(p)), ctx);

    assertThat(ctx.only().getAlertType()).isEqualTo("ROOT_LOGIN_FAILED");
    assertThat(ctx.only().getEvidence()).containsExactly("ct-f1");
  }

  @Test
  void uncoveredRootUseIsNotAFailedSignIn() {
    AccountState s = account();
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.onUncovered(s, new AccountRule.Uncovered(List.of(), List.of(event("ct-1", at(0), "ConsoleLogin"))), ctx);

    assertThat(ctx.raised).isEmpty();
  }
}
