package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.approve;
import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link SelfApprovalRule} against a fake context. */
class SelfApprovalRuleTest {
  private final SelfApprovalRule rule = new SelfApprovalRule();

  @Test
  void theSubjectApprovingTheirOwnRequestIsRaisedOnce() {
    RequestState s = requested("req-1", "Alice", at(0));
    String self = approve(s, " alice ", "security", "loa3", at(1));
    FakeRequestContext ctx = new FakeRequestContext(at(1)).judge(rule, s).judge(rule, s);

    assertThat(ctx.only().getEvidence()).containsExactly(self, "req-1/request/1");
    assertThat(ctx.raised.get(0).atOnce()).as("its revoke waits for a grant").isFalse();
  }

  @Test
  void anotherApproverIsNoSelfApproval() {
    RequestState s = requested("req-1", "alice", at(0));
    approve(s, "bob", "security", "loa3", at(1));

    assertThat(new FakeRequestContext(at(1)).judge(rule, s).raised).isEmpty();
  }
}
