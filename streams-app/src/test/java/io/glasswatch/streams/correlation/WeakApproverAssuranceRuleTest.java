package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.approve;
import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link WeakApproverAssuranceRule} against a fake context. */
class WeakApproverAssuranceRuleTest {
  private final WeakApproverAssuranceRule rule = new WeakApproverAssuranceRule();

  @Test
  void anApprovalBelowLoa2IsRaised() {
    RequestState s = requested("req-1", "alice", at(0));
    String weak = approve(s, "bob", "security", "loa1", at(1));

    assertThat(new FakeRequestContext(at(1)).judge(rule, s).only().getEvidence()).containsExactly(weak);
  }

  @Test
  void anApprovalAtLoa2IsEnough() {
    RequestState s = requested("req-1", "alice", at(0));
    approve(s, "bob", "security", "loa2", at(1));

    assertThat(new FakeRequestContext(at(1)).judge(rule, s).raised).isEmpty();
  }

  @Test
  void beforeTheRequestIsKnownItWaitsForTheDecisionDelay() {
    RequestState s = new RequestState("req-1");
    approve(s, "bob", "security", "loa1", at(1));
    FakeRequestContext ctx = new FakeRequestContext(at(2)).judge(rule, s);

    assertThat(ctx.raised).isEmpty();
    assertThat(ctx.wakeAt).isEqualTo(at(6));
  }
}
