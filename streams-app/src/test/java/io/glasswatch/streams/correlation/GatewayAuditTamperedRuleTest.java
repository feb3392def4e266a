package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link GatewayAuditTamperedRule} against a fake context. */
class GatewayAuditTamperedRuleTest {
  private final GatewayAuditTamperedRule rule = new GatewayAuditTamperedRule();

  private static String broken(RequestState s, String origin, String problem, long t) {
    String id = s.requestId + "/audit/" + s.next("audit");
    s.brokenAudits.add(new RequestState.BrokenAudit(id, t, origin, problem, "digest-" + id));
    return id;
  }

  @Test
  void eachBrokenRecordIsOneCriticalAlertNamingFileAndLine() {
    RequestState s = requested("req-1", "alice", at(0));
    String first = broken(s, "audit.log:9", "checksum does not match the record (edited)", at(1));
    String second = broken(s, "audit.log:20", "previousChecksum does not match the checksum of the record at line 19", at(2));
    FakeRequestContext ctx = new FakeRequestContext(at(2)).judge(rule, s).judge(rule, s);

    assertThat(ctx.types()).containsExactly("GATEWAY_AUDIT_TAMPERED", "GATEWAY_AUDIT_TAMPERED");
    assertThat(ctx.raised.get(0).alert().getSeverity()).isEqualTo("critical");
    assertThat(ctx.raised.get(0).alert().getSummary()).contains("audit.log:9", "edited");
    assertThat(ctx.raised.get(0).alert().getEvidence()).containsExactly(first);
    assertThat(ctx.raised.get(1).alert().getSummary()).contains("audit.log:20");
    assertThat(ctx.raised.get(1).alert().getEvidence()).containsExactly(second);
    assertThat(ctx.raised.get(0).alert().getAlertId()).isNotEqualTo(ctx.raised.get(1).alert().getAlertId());
  }

  @Test
  void evidenceWithoutBrokenChainRaisesNothing() {
    RequestState s = new RequestState("subject:alice");
    s.subject = "alice";
    s.next("audit");

    assertThat(new FakeRequestContext(at(5)).judge(rule, s).raised).isEmpty();
  }
}
