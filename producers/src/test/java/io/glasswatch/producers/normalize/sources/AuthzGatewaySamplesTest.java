package io.glasswatch.producers.normalize.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.SourceRef;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The AuthZ gateway's own files (real samples) and each mapping rule of SPEC 1.4. */
class AuthzGatewaySamplesTest {
  private static final String EVENTS = "authz-gateway/run-plain/break-glass-events.log";
  private static final String AUDIT = "authz-gateway/run-plain/audit.log";
  private static final String BUS_AUDIT = "authz-gateway/run-auditbus/audit.log";

  private static List<GatewayEvent> of(List<GatewayEvent> events, String requestId, String type) {
    return events.stream().filter(e -> requestId.equals(e.getRequestId()) && type.equals(e.getType())).toList();
  }

  @Test
  void everyEventLineIsReadNoneRejected() {
    List<NormalizeResult> r = RealSamples.read(RealSamples.settings(), EVENTS);
    // 17 lines: 5 approvals become approval + grant
    assertThat(RealSamples.rejected(r)).isEmpty();
    assertThat(RealSamples.events(r)).hasSize(22).allSatisfy(e -> assertThat(e.getSource()).isEqualTo("authz-gateway"));
  }

  @Test
  void theApprovalIsAlsoTheGrantWithTheSidFingerprintAsToken() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(), EVENTS));
    String inc42 = "4d311342-07c4-4f48-8da0-c4cf0b4135be";
    GatewayEvent approval = of(ev, inc42, "approval").get(0);
    GatewayEvent grant = of(ev, inc42, "grant").get(0);
    assertThat(approval.getApprover()).isEqualTo("carol");
    assertThat(approval.getApproverAcr()).isEqualTo("loa2");
    assertThat(approval.getApproverRole()).isNull();
    assertThat(grant.getTimestamp()).isEqualTo(approval.getTimestamp());
    assertThat(grant.getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint("d0734c1d-9998-4785-b9ba-ede55c72c08c"));
    assertThat(grant.getExpiresAt()).isEqualTo(Instant.parse("2026-12-06T21:08:13Z"));
    assertThat(grant.getSingleUse()).isTrue();
    assertThat(grant.getSourceDigest()).isNotEqualTo(approval.getSourceDigest());
    assertThat(ev).allSatisfy(e -> assertThat(String.valueOf(e.getExtraJson())).doesNotContain("d0734c1d"));
  }

  @Test
  void theAssuranceIsWhatTheSourceAsserts() {
    SourceSettings s = new SourceSettings(null, "loa3", null, null, null, null);
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(s, EVENTS));
    assertThat(ev.stream().filter(e -> "approval".equals(e.getType()))).allSatisfy(
        e -> assertThat(e.getApproverAcr()).isEqualTo("loa3"));
  }

  @Test
  void aSelfApprovalKeepsTheRequesterAndTheApprover() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(), EVENTS));
    GatewayEvent inc77 = of(ev, "9e11fc24-33b3-4e2f-a367-3f55d43d4712", "approval").get(0);
    assertThat(inc77.getApprover()).isEqualTo("alice");
    assertThat(inc77.getSubject()).isEqualTo("alice");
  }

  @Test
  void usageMapsTenantActionResourceAndAllowed() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(), EVENTS));
    GatewayEvent allowed = of(ev, "4d311342-07c4-4f48-8da0-c4cf0b4135be", "usage").get(0);
    GatewayEvent denied = of(ev, "9e11fc24-33b3-4e2f-a367-3f55d43d4712", "usage").get(0);
    assertThat(allowed.getTenant()).isEqualTo("tenantA");
    assertThat(allowed.getAction()).isEqualTo("dataset:read");
    assertThat(allowed.getResource()).isEqualTo("dataset-alpha");
    assertThat(allowed.getOutcome()).isEqualTo("allow");
    assertThat(allowed.getSubject()).isEqualTo("alice");
    assertThat(denied.getOutcome()).isEqualTo("deny");
  }

  @Test
  void startupPruneIsATtlElapsedAndAnExpiryWithoutDetailIsARevocation() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(), EVENTS));
    assertThat(of(ev, "4d311342-07c4-4f48-8da0-c4cf0b4135be", "expiry").get(0).getReason()).isEqualTo("ttl_elapsed");
    assertThat(of(ev, "3bf62d71-56b4-4783-a2c5-7a955fd16a34", "expiry").get(0).getReason()).isEqualTo("revoked");
  }

  @Test
  void theRequestHasTheDetailScopeAndNoAccount() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(), EVENTS));
    GatewayEvent r = of(ev, "9e11fc24-33b3-4e2f-a367-3f55d43d4712", "request").get(0);
    assertThat(r.getScope()).containsExactly("break_glass:elevated", "dataset:read");
    assertThat(r.getAccountId()).isNull();
    assertThat(r.getTicketId()).isEqualTo("INC-77");
    assertThat(r.getJustification()).isEqualTo("zero trust drill");
  }

  @Test
  void auditRecordsAreEvidenceNeverLifecycleFactsAndDecisionsAreSkipped() {
    List<NormalizeResult> r = RealSamples.read(RealSamples.settings(), AUDIT);
    assertThat(RealSamples.rejected(r)).isEmpty();
    assertThat(RealSamples.skipped(r)).isEqualTo(1); // the login decision
    List<GatewayEvent> ev = RealSamples.events(r);
    assertThat(ev).hasSize(33).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("audit");
      assertThat(e.getEvidenceOnly()).isTrue();
      assertThat(e.getAuditChainStatus()).isNull();
    });
    GatewayEvent usage = ev.stream().filter(e -> "break_glass_usage".equals(e.getReason())).findFirst().orElseThrow();
    assertThat(usage.getRequestId()).isEqualTo("4d311342-07c4-4f48-8da0-c4cf0b4135be");
    assertThat(usage.getApprover()).isEqualTo("carol");
    GatewayEvent decision = ev.stream().filter(e -> "dataset:read".equals(e.getAction()) && "allow".equals(e.getReason()))
        .findFirst().orElseThrow();
    assertThat(decision.getResource()).isEqualTo("dataset-alpha");
  }

  @Test
  void bothFilesTogetherNeverDoubleAUsage() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(), EVENTS, AUDIT));
    assertThat(ev.stream().filter(e -> "usage".equals(e.getType()))).hasSize(2);
    assertThat(ev.stream().filter(e -> "grant".equals(e.getType()))).hasSize(5);
  }

  @Test
  void theAuditBusChainOfTheRealRunVerifiesWithItsKey() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(), BUS_AUDIT));
    assertThat(ev).hasSize(33).allSatisfy(e -> assertThat(e.getAuditChainStatus()).isEqualTo("verified"));
  }

  @Test
  void withoutTheKeySignedRecordsAreUnverified() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(SourceSettings.none(), BUS_AUDIT));
    assertThat(ev).allSatisfy(e -> assertThat(e.getAuditChainStatus()).isEqualTo("unverified"));
  }

  @Test
  void withAWrongKeyEveryRecordIsBroken() {
    SourceSettings wrong = new SourceSettings("not-the-key".getBytes(), null, null, null, null, null);
    List<NormalizeResult> r = RealSamples.read(wrong, BUS_AUDIT);
    assertThat(RealSamples.events(r)).hasSize(34).allSatisfy(e -> assertThat(e.getAuditChainStatus()).isEqualTo("broken"));
  }

  @Test
  void anEditedMissingAndReorderedRecordBreakTheChainNamingTheRecord() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(),
        "authz-gateway/tampered-auditbus/audit.log"));
    List<GatewayEvent> broken = ev.stream().filter(e -> "broken".equals(e.getAuditChainStatus())).toList();
    Set<String> lines = broken.stream().map(e -> e.getOrigin().substring(e.getOrigin().lastIndexOf(':') + 1))
        .collect(Collectors.toSet());
    // line 9 edited; the original line 20 removed, so the record now at line 20 does not link to line 19;
    // the swapped pair (now lines 24 and 25) and the record after it break their links
    assertThat(lines).containsExactlyInAnyOrder("9", "20", "24", "25", "26");
    assertThat(broken.get(0).getAuditChainProblem()).contains("edited");
    assertThat(broken.get(1).getAuditChainProblem()).contains("line 19");
  }

  @Test
  void aFileWhoseFirstRecordLinksElsewhereIsUnanchoredNotTampered(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(RealSamples.file(BUS_AUDIT));
    java.nio.file.Path rotated = dir.resolve("audit.log");
    java.nio.file.Files.write(rotated, lines.subList(1, lines.size()));
    List<GatewayEvent> ev = RealSamples.events(new io.glasswatch.producers.input.InputReader(
        new Normalizer(RealSamples.settings())).readAll(List.of(rotated)));
    assertThat(ev.get(0).getAuditChainStatus()).isEqualTo("unanchored");
    assertThat(ev.subList(1, ev.size())).allSatisfy(e -> assertThat(e.getAuditChainStatus()).isEqualTo("verified"));
  }

  @Test
  void badInputNamesFileLineFieldAndFormat() {
    Normalizer n = new Normalizer(SourceSettings.none());
    List<NormalizeResult> r = n.normalizeJson("{\"type\":\"usage\",\"requestId\":\"r1\",\"subjectId\":\"alice\","
        + "\"ts\":\"yesterday\"}", SourceRef.of("break-glass-events.log", 12));
    NormalizeResult.Rejected x = (NormalizeResult.Rejected) r.get(0);
    assertThat(x.describe()).startsWith("break-glass-events.log:12: AuthZ gateway event: `ts` is not a timestamp");
    assertThat(x.field()).isEqualTo("ts");

    NormalizeResult.Rejected y = (NormalizeResult.Rejected) n.normalizeJson("{\"type\":\"usage\",\"requestId\":\"r1\","
        + "\"subjectId\":\"alice\",\"ts\":\"2026-12-06T21:08:10.088Z\",\"detail\":{\"action\":\"a\",\"resource\":\"b\"}}",
        SourceRef.of("f", 3)).get(0);
    assertThat(y.reason()).isEqualTo("AuthZ gateway event: `detail.allowed` is missing");

    NormalizeResult.Rejected z = (NormalizeResult.Rejected) n.normalizeJson("{\"subject\":\"alice\",\"action\":\"login\","
        + "\"allowed\":\"maybe\",\"ts\":\"2026-12-06T21:08:10.088Z\"}", SourceRef.of("audit.log", 4)).get(0);
    assertThat(z.reason()).startsWith("AuthZ gateway audit record: `allowed` is not true or false");
  }

  @Test
  void anUnknownTypeIsKeptAsEvidenceAndDeadLettered() {
    Normalizer n = new Normalizer(SourceSettings.none());
    List<NormalizeResult> r = n.normalizeJson("{\"type\":\"revoke\",\"requestId\":\"r1\",\"subjectId\":\"alice\","
        + "\"ts\":\"2026-12-06T21:08:10.088Z\",\"detail\":{\"sid\":\"secret-session\"}}", SourceRef.of("f", 5));
    assertThat(r).hasSize(2);
    GatewayEvent kept = (GatewayEvent) ((NormalizeResult.Normalized) r.get(0)).value();
    assertThat(kept.getType()).isEqualTo("audit");
    assertThat(kept.getSourceEventType()).isEqualTo("revoke");
    NormalizeResult.Rejected dead = (NormalizeResult.Rejected) r.get(1);
    assertThat(dead.field()).isEqualTo("type");
    assertThat(dead.reason()).contains("'revoke'");
    assertThat(dead.rawText()).doesNotContain("secret-session");
  }

  @Test
  void aRejectionIsADenial() {
    Normalizer n = new Normalizer(SourceSettings.none());
    NormalizeResult.Normalized r = (NormalizeResult.Normalized) n.normalizeJson("{\"type\":\"rejection\","
        + "\"requestId\":\"r1\",\"subjectId\":\"alice\",\"ts\":\"2026-12-06T21:08:10.088Z\",\"actor\":\"carol\","
        + "\"detail\":{\"reason\":\"no ticket\"}}", SourceRef.of("f", 5)).get(0);
    GatewayEvent e = (GatewayEvent) r.value();
    assertThat(e.getType()).isEqualTo("denial");
    assertThat(e.getActor()).isEqualTo("carol");
    assertThat(e.getReason()).isEqualTo("no ticket");
  }

  @Test
  void canonicalGatewayEventsAreStillReadAsBefore() {
    Normalizer n = new Normalizer(SourceSettings.none());
    NormalizeResult.Normalized r = (NormalizeResult.Normalized) n.normalizeJson("{\"type\":\"expiry\","
        + "\"requestId\":\"r1\",\"reason\":\"consumed\",\"timestamp\":\"2026-12-06T21:08:10Z\"}", SourceRef.of("f", 1)).get(0);
    assertThat(((GatewayEvent) r.value()).getSource()).isNull();
  }
}
