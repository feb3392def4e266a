package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.approve;
import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link MissingApprovalsRule} against a fake context. */
class MissingApprovalsRuleTest {
  private final MissingApprovalsRule rule = new MissingApprovalsRule();

  @Test
  void aGrantBeforeTheSecurityApprovalIsRaisedDecisionDelayLater() {
    RequestState s = requested("req-1", "alice", at(0));
    approve(s, "bob", "incident_command", "loa3", at(1));
    RequestState.Grant g = grant(s, "tok-1", at(2), minutes(30), true);
    FakeRequestContext early = new FakeRequestContext(at(6)).judge(rule, s);
    assertThat(early.raised).isEmpty();
    assertThat(early.wakeAt).isEqualTo(at(7));

    FakeRequestContext ctx = new FakeRequestContext(at(7)).judge(rule, s);

    assertThat(ctx.only().getSummary()).contains("security");
    assertThat(ctx.only().getEvidence()).first().isEqualTo(g.eventId());
  }

  @Test
  void aLateDeliveredApprovalTimedBeforeTheGrantCounts() {
    RequestState s = requested("req-1", "alice", at(0));
    approve(s, "bob", "incident_command", "loa3", at(1));
    grant(s, "tok-1", at(2), minutes(30), true);
    approve(s, "dana", "security", "loa3", at(1.5));

    assertThat(new FakeRequestContext(at(7)).judge(rule, s).raised).isEmpty();
  }
}
