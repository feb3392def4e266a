package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ConflictingDuplicateRule} against a fake context. */
class ConflictingDuplicateRuleTest {
  private final ConflictingDuplicateRule rule = new ConflictingDuplicateRule();

  @Test
  void aConflictingDuplicateIsRaisedOnTheAccountWithoutRevoking() {
    AccountState s = account();
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.onConflictingDuplicate(s, new AccountRule.Duplicate("CloudTrail", "ct-d1", at(1), "ConsoleLogin", "ab12", "cloudtrail:ct-d1#ab12"),
        ctx);

    assertThat(ctx.only().getAlertType()).isEqualTo("CONFLICTING_DUPLICATE");
    assertThat(ctx.only().getSeverity()).isEqualTo("high");
    assertThat(ctx.only().getActions()).containsExactly("notify");
    assertThat(ctx.only().getCorrelationId()).isEqualTo(s.correlation());
    assertThat(ctx.only().getEvidence()).containsExactly("ct-d1");
    assertThat(ctx.only().getSummary()).contains("ct-d1", "cloudtrail:ct-d1#ab12");
    assertThat(ctx.raised.get(0).revokable()).isFalse();
  }

  @Test
  void everyContentOfOneIdIsTheSameViolation() {
    AccountState s = account();
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.onConflictingDuplicate(s, new AccountRule.Duplicate("CloudTrail", "ct-d2", at(1), "ConsoleLogin", "aaaa", "e1"), ctx);
    rule.onConflictingDuplicate(s, new AccountRule.Duplicate("CloudTrail", "ct-d2", at(1), "ConsoleLogin", "bbbb", "e2"), ctx);
    rule.onConflictingDuplicate(s, new AccountRule.Duplicate("CloudTrail", "ct-d2", at(1), "ConsoleLogin", "aaaa", "e1"), ctx);

    rule.onConflictingDuplicate(s, new AccountRule.Duplicate("CloudTrail", "ct-d3", at(1), "ConsoleLogin", "aaaa", "e1"), ctx);

    assertThat(ctx.raised.get(0).alert().getAlertId()).isEqualTo(ctx.raised.get(1).alert().getAlertId())
        .isEqualTo(ctx.raised.get(2).alert().getAlertId()).isNotEqualTo(ctx.raised.get(3).alert().getAlertId());
  }
}
