package io.glasswatch.producers.normalize.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.producers.normalize.NormalizeResult;
import io.glasswatch.schema.GatewayEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class RealSamplesCountTest {
  @Test
  void printsCounts() {
    String[] files = {
        "authz-gateway/run-plain/break-glass-events.log", "authz-gateway/run-plain/audit.log",
        "authz-gateway/run-auditbus/break-glass-events.log", "authz-gateway/run-auditbus/audit.log",
        "authz-gateway/tampered-auditbus/audit.log",
        "jit-aws-controller/dynamodb-putitem-requests.jsonl",
        "jit-aws-controller/jit_audit.plain.jsonl", "jit-aws-controller/jit_audit.s3-export-dynamodb-json.jsonl",
        "jit-aws-controller/jit_audit.aws-dynamodb-query-output.json", "jit-aws-controller/jit_audit.runbook-flat.jsonl",
        "jit-aws-controller/jit_requests.s3-export-dynamodb-json.jsonl",
        "jit-aws-controller/webhook-bodies.jsonl", "jit-aws-controller/webhook-deliveries.jsonl"};
    for (String f : files) {
      List<NormalizeResult> r = RealSamples.read(RealSamples.settings(), f);
      List<GatewayEvent> ev = RealSamples.events(r);
      System.out.printf("COUNT %s results=%d normalized=%d rejected=%d skipped=%d%n", f, r.size(), ev.size(),
          RealSamples.rejected(r).size(), RealSamples.skipped(r));
      RealSamples.rejected(r).forEach(x -> System.out.println("  REJ " + x.describe() + " field=" + x.field()));
      ev.forEach(e -> System.out.println("  EV " + e.getType() + " " + e.getSourceEventType() + " " + e.getRequestId()
          + " " + e.getAuditChainStatus() + " " + e.getAuditChainProblem() + " exp=" + e.getExpiresAt() + " a=" + e.getAssignment()));
    }
    assertThat(files).isNotEmpty();
  }
}
