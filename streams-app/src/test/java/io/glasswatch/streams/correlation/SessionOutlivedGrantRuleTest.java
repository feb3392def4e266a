package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionOutlivedGrantRuleTest {
  private final SessionOutlivedGrantRule rule = new SessionOutlivedGrantRule();

  private static SessionCall call(String id, long t, String session) {
    return new SessionCall(id, t, "s3.amazonaws.com", "GetObject", session, "AWSReservedSSO_BreakGlassAdmin_0a1b",
        "alice", false, false, null);
  }

  @Test
  void raisesForACallAfterTheGrantEndPlusSkewNamingTheLastAllowedTime() {
    AccountState s = FakeAccountContext.account();
    // granted at minute 0 for 30 min; skew 2 min: minute 32 is the last allowed time
    AccountState.GrantView g = FakeAccountContext.grant(s, "req-1", "alice", at(0), 30);
    FakeAccountContext ctx = new FakeAccountContext(at(33));

    rule.onSessionCall(s, call("ct-late", at(33), "ASIA1"), g, ctx);

    assertThat(ctx.only().getAlertType()).isEqualTo("SESSION_OUTLIVED_GRANT");
    assertThat(ctx.only().getEvidence()).containsExactly("ct-late");
    assertThat(ctx.only().getCorrelationId()).isEqualTo("req-1");
    assertThat(ctx.only().getSummary()).contains("s3:GetObject").contains("2026-03-01T10:32:00Z");
    assertThat(ctx.raised.get(0).revoking()).isEqualTo("req-1");
  }

  @Test
  void aCallOneSecondBeforeExpiryOrAtTheEndPlusSkewIsNoAlert() {
    AccountState s = FakeAccountContext.account();
    AccountState.GrantView g = FakeAccountContext.grant(s, "req-1", "alice", at(0), 30);
    FakeAccountContext ctx = new FakeAccountContext(at(40));

    rule.onSessionCall(s, call("ct-1", at(30) - 1000, "ASIA1"), g, ctx);
    rule.onSessionCall(s, call("ct-2", at(32), "ASIA1"), g, ctx);

    assertThat(ctx.raised).isEmpty();
  }

  @Test
  void raisesOncePerSessionAndAgainForAnotherSession() {
    AccountState s = FakeAccountContext.account();
    AccountState.GrantView g = FakeAccountContext.grant(s, "req-1", "alice", at(0), 30);
    FakeAccountContext ctx = new FakeAccountContext(at(60));

    rule.onSessionCall(s, call("ct-1", at(40), "ASIA1"), g, ctx);
    rule.onSessionCall(s, call("ct-2", at(41), "ASIA1"), g, ctx);
    rule.onSessionCall(s, call("ct-3", at(42), "ASIA2"), g, ctx);

    assertThat(ctx.raised).extracting(r -> r.alert().getEvidence().get(0)).containsExactly("ct-1", "ct-3");
  }

  @Test
  void aGrantWithoutAnEndIsNotJudged() {
    AccountState s = FakeAccountContext.account();
    AccountState.GrantView g = FakeAccountContext.grant(s, "req-1", "alice", at(0), 30);
    g.fact = new GrantFact("req-1", "jit", FakeAccountContext.ACCOUNT, "alice", true, at(0), null, null, null,
        "req-1/grant/1", null, null);
    FakeAccountContext ctx = new FakeAccountContext(at(600));

    rule.onSessionCall(s, call("ct-1", at(500), "ASIA1"), g, ctx);

    assertThat(ctx.raised).isEmpty();
  }
}
