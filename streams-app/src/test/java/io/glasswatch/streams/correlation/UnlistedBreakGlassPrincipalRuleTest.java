package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.ACCOUNT;
import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.streams.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link UnlistedBreakGlassPrincipalRule} against a fake context. */
class UnlistedBreakGlassPrincipalRuleTest {
  private final UnlistedBreakGlassPrincipalRule rule = new UnlistedBreakGlassPrincipalRule();

  private static Policy listing(String... principals) {
    return Policy.defaults().toBuilder().breakGlassPrincipals(List.of(principals)).build();
  }

  @Test
  void aRequesterNotOnTheListIsRaisedOnceAndTheRevokeWaitsForAGrant() {
    RequestState s = requested("req-1", "mallory", at(0));
    FakeRequestContext ctx = new FakeRequestContext(at(0));
    ctx.policy = listing("alice", "bob");
    ctx.judge(rule, s).judge(rule, s);

    assertThat(ctx.only().getAlertType()).isEqualTo("UNLISTED_BREAK_GLASS_PRINCIPAL");
    assertThat(ctx.only().getEvidence()).containsExactly("req-1/request/1");
    assertThat(ctx.only().getSummary()).contains("mallory", "[alice, bob]");
    assertThat(ctx.raised.get(0).atOnce()).isFalse();
  }

  @Test
  void aListedRequesterTrimmedAndInAnyCaseIsFine() {
    RequestState s = requested("req-1", " Alice ", at(0));
    FakeRequestContext ctx = new FakeRequestContext(at(0));
    ctx.policy = listing("alice");

    assertThat(ctx.judge(rule, s).raised).isEmpty();
  }

  @Test
  void noListMeansNoRestrictionAndTheAccountsListWinsOverTheTopLevelOne() {
    RequestState s = requested("req-1", "mallory", at(0));
    assertThat(new FakeRequestContext(at(0)).judge(rule, s).raised).as("no list").isEmpty();

    Policy p = listing("alice").toBuilder().account(ACCOUNT, Policy.defaults().toBuilder()
        .breakGlassPrincipals(List.of("mallory")).build()).build();
    FakeRequestContext ctx = new FakeRequestContext(at(0));
    ctx.policy = p.resolve(ACCOUNT, null);
    assertThat(ctx.judge(rule, requested("req-2", "mallory", at(0))).raised).isEmpty();
  }

  @Test
  void aRequestNotSeenYetIsNotJudged() {
    RequestState s = new RequestState("req-1");
    s.subject = "mallory";
    FakeRequestContext ctx = new FakeRequestContext(at(10));
    ctx.policy = listing("alice");

    assertThat(ctx.judge(rule, s).raised).isEmpty();
    assertThat(s.decided).isEmpty();
  }

  @Test
  void aRootDeclarationByAnUnlistedActorIsRaisedAndRevokesTheRequestItNames() {
    AccountState s = FakeAccountContext.account();
    AccountState.Declaration d = new AccountState.Declaration("req-7/root_declaration/1", at(1), "req-7", 30L, "mallory");
    FakeAccountContext ctx = new FakeAccountContext(at(1));
    ctx.policy = listing("alice");
    rule.onDeclaration(s, d, ctx);

    assertThat(ctx.raised).singleElement().satisfies(r -> {
      assertThat(r.alert().getAlertType()).isEqualTo("UNLISTED_BREAK_GLASS_PRINCIPAL");
      assertThat(r.alert().getEvidence()).containsExactly("req-7/root_declaration/1");
      assertThat(r.alert().getSubject()).isEqualTo("mallory");
      assertThat(r.revoking()).isEqualTo("req-7");
    });
  }

  @Test
  void aRootDeclarationByAListedActorOrWithoutListIsFine() {
    AccountState s = FakeAccountContext.account();
    AccountState.Declaration d = new AccountState.Declaration("account:x/root_declaration/1", at(1), null, 30L, "Alice");
    FakeAccountContext listed = new FakeAccountContext(at(1));
    listed.policy = listing("alice");
    rule.onDeclaration(s, d, listed);
    FakeAccountContext open = new FakeAccountContext(at(1));
    rule.onDeclaration(s, new AccountState.Declaration("account:x/root_declaration/2", at(2), null, 30L, "mallory"), open);

    assertThat(listed.raised).isEmpty();
    assertThat(open.raised).isEmpty();
  }
}
