package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.grant;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link DuplicateGrantRule} against a fake context. */
class DuplicateGrantRuleTest {
  private final DuplicateGrantRule rule = new DuplicateGrantRule();

  @Test
  void aSecondGrantWhileTheFirstIsActiveIsRaisedOnTheNewRequestOnce() {
    AccountState s = account();
    grant(s, "req-1", "alice", at(0), 60);
    AccountState.GrantView second = grant(s, "req-2", "alice", at(10), 60);
    FakeAccountContext ctx = new FakeAccountContext(at(10));

    rule.onGrant(s, second, ctx);
    rule.onGrant(s, second, ctx);

    assertThat(ctx.only().getCorrelationId()).isEqualTo("req-2");
    assertThat(ctx.only().getEvidence()).containsExactly("req-2/grant/1", "req-1/grant/1");
  }

  @Test
  void aGrantAfterTheFirstExpiredIsNoDuplicate() {
    AccountState s = account();
    grant(s, "req-1", "alice", at(0), 60);
    AccountState.GrantView second = grant(s, "req-2", "alice", at(60), 60);
    FakeAccountContext ctx = new FakeAccountContext(at(60));

    rule.onGrant(s, second, ctx);

    assertThat(ctx.raised).isEmpty();
  }
}
