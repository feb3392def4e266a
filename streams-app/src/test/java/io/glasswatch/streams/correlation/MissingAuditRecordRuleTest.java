package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.grant;
import static io.glasswatch.streams.correlation.FakeAccountContext.rootUse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link MissingAuditRecordRule} against a fake context. */
class MissingAuditRecordRuleTest {
  private final MissingAuditRecordRule rule = new MissingAuditRecordRule();

  @Test
  void rootUseWithoutDeclarationIsRaisedAtFirstUsePlusDecisionDelay() {
    AccountState s = account();
    rootUse(grant(s, "req-1", "alice", at(0), 60), "ct-1", at(2));
    FakeAccountContext ctx = new FakeAccountContext(at(6));

    assertThat(rule.nextDue(s, ctx)).isEqualTo(at(7));
    rule.evaluate(s, ctx.now, ctx);
    assertThat(ctx.raised).isEmpty();

    ctx.now = at(7);
    rule.evaluate(s, ctx.now, ctx);
    assertThat(ctx.only().getAlertType()).isEqualTo("MISSING_AUDIT_RECORD");
    assertThat(ctx.only().getEvidence()).containsExactly("req-1/grant/1", "ct-1");
    assertThat(rule.nextDue(s, ctx)).isNull();
  }

  @Test
  void aDeclarationInTheWindowSatisfiesIt() {
    AccountState s = account();
    rootUse(grant(s, "req-1", "alice", at(0), 60), "ct-1", at(2));
    s.declarations.add(new AccountState.Declaration("account:x/root_declaration/1", at(6.5), null, 30L));
    FakeAccountContext ctx = new FakeAccountContext(at(7));

    rule.evaluate(s, ctx.now, ctx);

    assertThat(ctx.raised).isEmpty();
  }
}
