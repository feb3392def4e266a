package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.usage;
import static io.glasswatch.streams.testing.Events.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.input.InvalidInputException;
import io.glasswatch.streams.input.InputValidation;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import io.glasswatch.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The event types of the break-glass systems' own records (SPEC 1.4) through the whole topology:
 * {@code denial}, {@code error}, {@code audit} and the JIT controller's {@code jit_requests} enrichment.
 */
class SourceEventsTest {
  private static GatewayEvent event(String type, String requestId, Instant t, String digest) {
    return GatewayEvent.newBuilder().setType(type).setRequestId(requestId).setTimestamp(t).setSourceDigest(digest)
        .setSource("jit-controller").setAccountId(ACCOUNT).build();
  }

  private static GatewayEvent audit(String requestId, String subject, String status, String origin, Instant t) {
    return GatewayEvent.newBuilder().setType("audit").setEvidenceOnly(true).setRequestId(requestId)
        .setSubject(subject).setAction("break_glass_usage").setOutcome("allow").setTimestamp(t)
        .setSource("authz-gateway").setAuditChainStatus(status).setOrigin(origin)
        .setAuditChainProblem("broken".equals(status) ? "checksum does not match the record (edited)" : null)
        .setSourceDigest("audit-" + origin).build();
  }

  /** A JIT-controller-shaped compliant request: one approver, no role, no assurance, a multi-use grant. */
  private static GatewayEvent[] jitGranted(String id, String subject, double minute) {
    return new GatewayEvent[] {with(request(id, subject, ACCOUNT, "jit", at(minute)), b -> b.setSource("jit-controller")),
        with(approval(id, "bob", null, null, at(minute + 0.2)), b -> b.setSource("jit-controller")),
        with(grant(id, "tok-" + id, at(minute + 0.5), Duration.ofMinutes(30), false, assignment(ACCOUNT, "u-" + subject)),
            b -> b.setSource("jit-controller"))};
  }

  @Test
  void inputValidationAcceptsTheNewTypesAndKeysEvidenceWithoutRequestBySubject() {
    InputValidation.gateway("req-1", event("denial", "req-1", at(0), "d"));
    InputValidation.gateway("req-1", event("error", "req-1", at(0), "e"));
    InputValidation.gateway("subject:alice", audit(null, "alice", null, "audit.log:1", at(0)));
    assertThatThrownBy(() -> InputValidation.gateway("alice", audit(null, "alice", null, "audit.log:1", at(0))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("subject:<subject>");
    assertThatThrownBy(() -> InputValidation.gateway("subject:", audit(null, "alice", null, "audit.log:1", at(0))))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> InputValidation.gateway("req-2", event("error", "req-1", at(0), "e")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("is not its requestId");
  }

  @Test
  void auditEvidenceIsATimelineEntryOnlyAndNeverDoublesAUsage() {
    ReplayResult r = Scenario.create()
        .then(jitGranted("req-1", "alice", 0))
        .then(usage("req-1", "tok-req-1", "alice", "allow", at(1)), audit("req-1", "alice", "verified", "audit.log:7", at(1)))
        .records(List.of(new InputRecord(Topics.GATEWAY_EVENTS, "subject:alice",
            audit(null, "alice", null, "audit.log:3", at(0.1)), null)))
        .tick(at(20))
        .run();

    assertThat(r.deadLetters()).isEmpty();
    assertThat(r.alerts()).as("one usage, one approver, no tampering").isEmpty();
    assertThat(Scenario.entry(r, "gateway:req-1/audit/1")).isNotNull()
        .satisfies(e -> assertThat(e.getDetails()).contains("evidenceOnly", "verified"));
    TimelineEntry bySubject = Scenario.entry(r, "gateway:subject:alice/audit/1");
    assertThat(bySubject.getCorrelationId()).isEqualTo("subject:alice");
  }

  @Test
  void aBrokenAuditRecordRaisesGatewayAuditTamperedUnderItsRequestOrSubject() {
    ReplayResult r = Scenario.create()
        .then(audit("req-9", "alice", "broken", "audit.log:9", at(0)))
        .records(List.of(new InputRecord(Topics.GATEWAY_EVENTS, "subject:carol",
            audit(null, "carol", "broken", "audit.log:12", at(0.1)), null)))
        .run();

    List<Alert> alerts = Scenario.alertsOf(r, "GATEWAY_AUDIT_TAMPERED");
    assertThat(alerts).extracting(Alert::getCorrelationId).containsExactly("req-9", "subject:carol");
    assertThat(alerts.get(0).getSummary()).contains("audit.log:9");
    assertThat(alerts.get(1).getRequestId()).as("a subject correlation names no request").isNull();
    assertThat(alerts.get(1).getSummary()).contains("audit.log:12");
  }

  @Test
  void aDenialIsNoGrantAndNoUsageDenial() {
    ReplayResult r = Scenario.create()
        .then(with(request("req-d", "erin", ACCOUNT, "jit", at(0)), b -> b.setSource("jit-controller")))
        .then(event("denial", "req-d", at(1), "d1"))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).isEmpty();
    assertThat(Scenario.entry(r, "gateway:req-d/denial/1").getOutcome()).isEqualTo("failure");
  }

  @Test
  void aRevokePhaseErrorRaisesGrantErrorAndTheSweeperChecksTheAssignment() {
    GatewayEvent error = GatewayEvent.newBuilder(event("error", "req-e", at(5), "err"))
        .setErrorPhase("revoke").setErrorMessage("AccessDenied").setActor("reconciler").build();
    ReplayResult r = Scenario.create()
        .then(jitGranted("req-e", "dave", 0))
        .then(error)
        .tick(at(6))
        .run();

    assertThat(Scenario.alertsOf(r, "GRANT_ERROR")).singleElement()
        .satisfies(a -> assertThat(a.getSummary()).contains("revoke phase", "AccessDenied"));
    assertThat(r.revokeCommands()).extracting(RevokeCommand::getTrigger).as("swept before expiresAt").containsExactly("expiry");
  }

  @Test
  void aGrantPhaseErrorDoesNotSweep() {
    GatewayEvent error = GatewayEvent.newBuilder(event("error", "req-g", at(5), "err"))
        .setErrorPhase("grant").setErrorMessage("ConflictException").build();
    ReplayResult r = Scenario.create().then(jitGranted("req-g", "frank", 0)).then(error).tick(at(6)).run();

    assertThat(Scenario.alertsOf(r, "GRANT_ERROR")).hasSize(1);
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void aJitRequestsItemEnrichesTheRequestAndIsNoSecondRequest() {
    GatewayEvent item = with(request("req-j", "alice", ACCOUNT, "jit", at(0)),
        b -> b.setSource("jit-controller").setSourceEventType("jit_requests"));
    ReplayResult r = Scenario.create()
        .then(item)
        .then(jitGranted("req-j", "alice", 0.1))
        .then(jitGranted("req-k", "alice", 40))
        .then(jitGranted("req-l", "alice", 80))
        .tick(at(120))
        .run();

    assertThat(r.alerts()).as("three requests, not four: no REPEATED_BREAK_GLASS").isEmpty();
    assertThat(r.timeline()).filteredOn(e -> "state:req-j:requested".equals(e.getEntryId())).hasSize(1);
  }
}
