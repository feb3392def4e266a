package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The emergency-role cases (SPEC 1.6) of UNLISTED_BREAK_GLASS_PRINCIPAL and EXCESSIVE_DURATION, in stage B. */
class EmergencyRoleSessionRulesTest {
  @Test
  void anUnlistedSubjectOfAnEmergencyRoleIsRaisedAndAListedOneIsNot() {
    AccountState s = FakeAccountContext.account();
    FakeAccountContext ctx = new FakeAccountContext(at(0));
    ctx.policy = ctx.policy.toBuilder().breakGlassPrincipals(List.of("alice")).build();
    UnlistedBreakGlassPrincipalRule rule = new UnlistedBreakGlassPrincipalRule();

    rule.onEmergencyAssume(s, EmergencyRoleWithoutRequestRuleTest.assume(s, "ct-1", at(0), "ALICE", null), ctx);
    assertThat(ctx.raised).isEmpty();

    rule.onEmergencyAssume(s, EmergencyRoleWithoutRequestRuleTest.assume(s, "ct-2", at(1), "eve", "req-9"), ctx);
    assertThat(ctx.only().getAlertType()).isEqualTo("UNLISTED_BREAK_GLASS_PRINCIPAL");
    assertThat(ctx.only().getEvidence()).containsExactly("ct-2");
    assertThat(ctx.raised.get(0).revoking()).isEqualTo("req-9");
  }

  @Test
  void anAssumeRoleAskingMoreThanMaxGrantDurationIsExcessiveAndOneHourIsNot() {
    AccountState s = FakeAccountContext.account();
    FakeAccountContext ctx = new FakeAccountContext(at(0));
    ExcessiveDurationRule rule = new ExcessiveDurationRule();

    AccountState.EmergencyAssume hour = EmergencyRoleWithoutRequestRuleTest.assume(s, "ct-1", at(0), "alice", null);
    hour.durationSeconds = 3600L;
    rule.onEmergencyAssume(s, hour, ctx);
    AccountState.EmergencyAssume unasked = EmergencyRoleWithoutRequestRuleTest.assume(s, "ct-2", at(0), "alice", null);
    rule.onEmergencyAssume(s, unasked, ctx);
    assertThat(ctx.raised).isEmpty();

    AccountState.EmergencyAssume longer = EmergencyRoleWithoutRequestRuleTest.assume(s, "ct-3", at(0), "alice", null);
    longer.durationSeconds = 3601L;
    rule.onEmergencyAssume(s, longer, ctx);
    assertThat(ctx.only().getAlertType()).isEqualTo("EXCESSIVE_DURATION");
    assertThat(ctx.only().getEvidence()).containsExactly("ct-3");
  }
}
