package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.event;
import static io.glasswatch.streams.correlation.FakeAccountContext.grant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link UnauthorizedRootUseRule} against a fake context. */
class UnauthorizedRootUseRuleTest {
  private final UnauthorizedRootUseRule rule = new UnauthorizedRootUseRule();

  @Test
  void anOpenedSessionRaisesOneAlertRevokingTheActiveGrants() {
    AccountState s = account();
    grant(s, "req-1", "alice", at(0), 60);
    AccountState.PendingRoot p = event("ct-1", at(10), "ConsoleLogin");
    AccountState.RootSession session = new AccountState.RootSession(p);
    s.sessions.add(session);
    FakeAccountContext ctx = new FakeAccountContext(at(16));

    rule.onUncovered(s, new AccountRule.Uncovered(List.of(session), List.of(p)), ctx);

    assertThat(ctx.only().getAlertType()).isEqualTo("UNAUTHORIZED_ROOT_USE");
    assertThat(ctx.only().getCorrelationId()).isEqualTo("account:" + FakeAccountContext.ACCOUNT);
    assertThat(ctx.raised.get(0).targets()).containsExactly("req-1");
    assertThat(session.alertId).isEqualTo(ctx.only().getAlertId());
  }

  @Test
  void uncoveredEventsJoiningAnAlertedSessionRaiseNothing() {
    AccountState s = account();
    AccountState.PendingRoot p = event("ct-2", at(20), "ListBuckets");
    FakeAccountContext ctx = new FakeAccountContext(at(26));

    rule.onUncovered(s, new AccountRule.Uncovered(List.of(), List.of(p)), ctx);

    assertThat(ctx.raised).isEmpty();
  }
}
