package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.event;
import static io.glasswatch.streams.correlation.FakeAccountContext.grant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RootAntipatternRule} against a fake context. */
class RootAntipatternRuleTest {
  private final RootAntipatternRule rule = new RootAntipatternRule();

  private static AccountState.PendingRoot call(String id, double minute, String action) {
    AccountState.PendingRoot p = event(id, at(minute), action);
    p.antipatternCandidate = true;
    return p;
  }

  @Test
  void aCoveredCreateAccessKeyIsRaisedOncePerSessionAndRevokesTheGrant() {
    AccountState s = account();
    AccountState.GrantView g = grant(s, "req-1", "alice", at(0), 60);
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.onCovered(s, call("ct-1", 5, "CreateAccessKey"), g, ctx);
    rule.onCovered(s, call("ct-2", 6, "CreateAccessKey"), g, ctx);

    assertThat(ctx.only().getCorrelationId()).isEqualTo("req-1");
    assertThat(ctx.raised.get(0).revoking()).isEqualTo("req-1");
  }

  @Test
  void anUncoveredCallIsRaisedOnTheAccountWithoutRevoke() {
    AccountState s = account();
    FakeAccountContext ctx = new FakeAccountContext(at(6));

    rule.onUncovered(s, new AccountRule.Uncovered(List.of(), List.of(call("ct-1", 0, "CreateUser"))), ctx);

    assertThat(ctx.only().getCorrelationId()).isEqualTo("account:" + FakeAccountContext.ACCOUNT);
    assertThat(ctx.raised.get(0).revokable()).isFalse();
  }

  @Test
  void aReadOnlyIamCallIsNoAntipattern() {
    AccountState s = account();
    AccountState.GrantView g = grant(s, "req-1", "alice", at(0), 60);
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.onCovered(s, call("ct-1", 5, "ListUsers"), g, ctx);

    assertThat(ctx.raised).isEmpty();
  }
}
