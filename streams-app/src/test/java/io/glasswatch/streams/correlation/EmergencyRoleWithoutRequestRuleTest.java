package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmergencyRoleWithoutRequestRuleTest {
  private final EmergencyRoleWithoutRequestRule rule = new EmergencyRoleWithoutRequestRule();

  static AccountState.EmergencyAssume assume(AccountState s, String id, long t, String subject, String coveredBy) {
    AccountState.EmergencyAssume a = new AccountState.EmergencyAssume();
    a.eventId = id;
    a.at = t;
    a.roleArn = "arn:aws:iam::" + FakeAccountContext.ACCOUNT + ":role/break-glass-emergency";
    a.subject = subject;
    a.sessionName = subject;
    a.accessKeyId = "ASIA-" + id;
    a.coveredBy = coveredBy;
    s.emergencyAssumes.put(id, a);
    return a;
  }

  @Test
  void raisesOnceTheDecisionDelayPassedWithNoCoveringGrant() {
    AccountState s = FakeAccountContext.account();
    assume(s, "ct-1", at(0), "mallory", null);
    FakeAccountContext ctx = new FakeAccountContext(at(4));

    // decisionDelay is 5 min: not yet at minute 4
    assertThat(rule.nextDue(s, ctx)).isEqualTo(at(5));
    rule.evaluate(s, at(4), ctx);
    assertThat(ctx.raised).isEmpty();

    ctx.now = at(5);
    assertThat(rule.evaluate(s, at(5), ctx)).isTrue();
    assertThat(ctx.only().getAlertType()).isEqualTo("EMERGENCY_ROLE_WITHOUT_REQUEST");
    assertThat(ctx.only().getSeverity()).isEqualTo("critical");
    assertThat(ctx.only().getCorrelationId()).isEqualTo("account:" + FakeAccountContext.ACCOUNT);
    assertThat(ctx.only().getEvidence()).containsExactly("ct-1");

    rule.evaluate(s, at(6), ctx);
    assertThat(ctx.raised).hasSize(1);
  }

  @Test
  void aGrantOfTheSameSubjectArrivedInTheMeantimeCoversIt() {
    AccountState s = FakeAccountContext.account();
    assume(s, "ct-1", at(0), "Alice", null);
    FakeAccountContext.grant(s, "req-1", "alice", at(1), 30);
    FakeAccountContext ctx = new FakeAccountContext(at(5));

    rule.evaluate(s, at(5), ctx);

    assertThat(ctx.raised).isEmpty();
    assertThat(s.emergencyAssumes.get("ct-1").coveredBy).isEqualTo("req-1");
  }

  @Test
  void aGrantOfAnotherSubjectDoesNotCoverIt() {
    AccountState s = FakeAccountContext.account();
    assume(s, "ct-1", at(2), "mallory", null);
    FakeAccountContext.grant(s, "req-1", "alice", at(1), 30);
    FakeAccountContext ctx = new FakeAccountContext(at(7));

    rule.evaluate(s, at(7), ctx);

    assertThat(ctx.only().getSubject()).isEqualTo("mallory");
  }

  @Test
  void keepsTheDecidedAssumptionForTheRetentionThenDropsIt() {
    AccountState s = FakeAccountContext.account();
    assume(s, "ct-1", at(0), "alice", "req-1");
    FakeAccountContext ctx = new FakeAccountContext(at(5));
    rule.evaluate(s, at(5), ctx);
    assertThat(ctx.raised).isEmpty();

    long retention = ctx.policy.stateRetention().toMillis();
    assertThat(rule.nextDue(s, ctx)).isEqualTo(at(0) + retention);
    rule.evaluate(s, at(0) + retention + 1, ctx);
    assertThat(s.emergencyAssumes).isEmpty();
  }
}
