package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ScopeEscalationRule} against a fake context. */
class ScopeEscalationRuleTest {
  private final ScopeEscalationRule rule = new ScopeEscalationRule();

  private static RequestState.Usage scoped(RequestState s, java.util.List<String> scope, String tenant) {
    RequestState.Usage u = new RequestState.Usage(s.requestId + "/usage/" + s.next("usage"), at(5), "tok-1",
        "allow", scope, tenant);
    s.usages.add(u);
    return u;
  }

  @Test
  void aUsageOutsideTheRequestScopeIsRaised() {
    RequestState s = requested("req-1", "alice", at(0));
    RequestState.Usage u = scoped(s, java.util.List.of("break_glass:admin"), null);

    assertThat(new FakeRequestContext(at(5)).judge(rule, s).only().getEvidence())
        .containsExactly(u.eventId, "req-1/request/1");
  }

  @Test
  void aUsageInsideTheScopeAndTenantIsFine() {
    RequestState s = requested("req-1", "alice", at(0));
    s.tenant = "acme";
    scoped(s, java.util.List.of("break_glass:elevated"), " ACME ");

    assertThat(new FakeRequestContext(at(5)).judge(rule, s).raised).isEmpty();
  }
}
