package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.approve;
import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.policy.SourcePolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Approvals of requests read from the break-glass systems (SPEC 1.5): roles or quorum, the approver
 * roster, and the assurance the source asserts, through {@link MissingApprovalsRule} and
 * {@link WeakApproverAssuranceRule}.
 */
class SourceApprovalsTest {
  private final MissingApprovalsRule missing = new MissingApprovalsRule();
  private final WeakApproverAssuranceRule weak = new WeakApproverAssuranceRule();

  private static RequestState jit(String requestId, String subject) {
    RequestState s = requested(requestId, subject, at(0));
    s.source = SourcePolicy.JIT_CONTROLLER;
    return s;
  }

  @Test
  void oneApproverWhoIsNotTheSubjectSatisfiesTheSourcesDefaultQuorumWithoutRoleOrAssurance() {
    RequestState s = jit("req-1", "alice@corp.example");
    approve(s, "bob@corp.example", null, null, at(1));
    grant(s, "tok", at(2), minutes(60), false);
    FakeRequestContext ctx = new FakeRequestContext(at(8)).judge(missing, s).judge(weak, s);

    assertThat(ctx.raised).isEmpty();
  }

  @Test
  void theSubjectsOwnApprovalDoesNotCountForTheQuorum() {
    RequestState s = jit("req-1", "frank@corp.example");
    approve(s, "Frank@corp.example", null, null, at(1));
    grant(s, "tok", at(2), minutes(60), false);

    assertThat(new FakeRequestContext(at(8)).judge(missing, s).only().getSummary()).contains("approver 1");
  }

  @Test
  void aRaisedQuorumNeedsThatManyDistinctApprovers() {
    RequestState s = jit("req-1", "alice@corp.example");
    approve(s, "bob@corp.example", null, null, at(1));
    approve(s, " BOB@corp.example", null, null, at(1.5));
    grant(s, "tok", at(2), minutes(60), false);
    FakeRequestContext ctx = new FakeRequestContext(at(8));
    ctx.policy = Policy.defaults().toBuilder()
        .sources(Map.of(SourcePolicy.JIT_CONTROLLER, new SourcePolicy(2, null, null))).build();

    assertThat(ctx.judge(missing, s).only().getSummary()).contains("approver 2");
  }

  private static RequestState twoApprovals(String bobRole, String carolRole) {
    RequestState s = requested("req-1", "alice", at(0));
    approve(s, "bob", bobRole, "loa3", at(1));
    approve(s, "carol", carolRole, "loa3", at(1.2));
    grant(s, "tok", at(2), minutes(30), true);
    return s;
  }

  @Test
  void aTopLevelQuorumReplacesTheRolesForCanonicalEvents() {
    FakeRequestContext ctx = new FakeRequestContext(at(8));
    ctx.policy = Policy.defaults().toBuilder().approvalQuorum(2).build();

    assertThat(ctx.judge(missing, twoApprovals("other", "other")).raised).isEmpty();
    assertThat(new FakeRequestContext(at(8)).judge(missing, twoApprovals("other", "other")).raised)
        .as("roles without the quorum").hasSize(1);
  }

  @Test
  void theRosterGivesRolesToApproversWhoseEventsCarryNone() {
    FakeRequestContext ctx = new FakeRequestContext(at(8));
    ctx.policy = Policy.defaults().toBuilder()
        .approvers(Map.of("bob", List.of("incident_command"), "Carol", List.of("security"))).build();

    assertThat(ctx.judge(missing, twoApprovals(null, null)).raised).isEmpty();
    FakeRequestContext partial = new FakeRequestContext(at(8));
    partial.policy = Policy.defaults().toBuilder().approvers(Map.of("bob", List.of("incident_command"))).build();
    assertThat(partial.judge(missing, twoApprovals(null, null)).only().getSummary()).contains("security");
  }

  @Test
  void anApprovalWithoutAssuranceTakesTheSourcesAndASourceSetToLoa1IsWeak() {
    RequestState s = jit("req-1", "alice@corp.example");
    approve(s, "bob@corp.example", null, null, at(1));
    FakeRequestContext ctx = new FakeRequestContext(at(1));
    ctx.policy = Policy.defaults().toBuilder()
        .sources(Map.of(SourcePolicy.JIT_CONTROLLER, new SourcePolicy(null, null, "loa1"))).build();

    assertThat(ctx.judge(weak, s).only().getSummary()).contains("loa1");
    RequestState canonical = requested("req-2", "alice", at(0));
    approve(canonical, "bob", "security", null, at(1));
    assertThat(new FakeRequestContext(at(1)).judge(weak, canonical).only().getSummary())
        .as("a canonical approval asserting nothing stays weak").contains("(none)");
  }
}
