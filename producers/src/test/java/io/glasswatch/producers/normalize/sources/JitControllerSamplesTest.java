package io.glasswatch.producers.normalize.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.SourceRef;
import io.glasswatch.producers.normalize.jit.JitSignature;
import io.glasswatch.schema.GatewayEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JIT controller's records (real samples) in every shape, and each mapping rule of SPEC 1.4. */
class JitControllerSamplesTest {
  private static final String ALICE = "1d1d7044-857f-45a8-9ab5-6def9d3d47aa";
  private static final String CAROL = "192a4f91-83bd-4626-9e3c-1b2e493cf06c";
  private static final String DAVE = "7c927304-0700-462b-8144-649060ee18b7";
  private static final String ERIN = "d79c88b1-bb18-4445-a8b9-d2e953352a92";
  private static final String FRANK = "94e99498-c786-448c-aa1f-cbed3ceb5ec1";

  private static GatewayEvent one(List<GatewayEvent> ev, String requestId, String type) {
    List<GatewayEvent> m = ev.stream().filter(e -> requestId.equals(e.getRequestId()) && type.equals(e.getType())).toList();
    assertThat(m).as("%s %s", requestId, type).hasSize(1);
    return m.get(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jit_audit.plain.jsonl", "jit_audit.s3-export-dynamodb-json.jsonl", "jit_audit.runbook-flat.jsonl"})
  void everyShapeOfTheAuditTableReadsTheSameSeventeenFacts(String file) {
    List<NormalizeResult> r = RealSamples.read(RealSamples.settings(), "jit-aws-controller/" + file);
    assertThat(RealSamples.rejected(r)).isEmpty();
    List<GatewayEvent> ev = RealSamples.events(r);
    assertThat(ev).hasSize(17).allSatisfy(e -> assertThat(e.getSource()).isEqualTo("jit-controller"));
    List<GatewayEvent> plain = RealSamples.events(RealSamples.read(RealSamples.settings(),
        "jit-aws-controller/jit_audit.plain.jsonl"));
    assertThat(ev.stream().map(GatewayEvent::getSourceDigest).toList())
        .isEqualTo(plain.stream().map(GatewayEvent::getSourceDigest).toList());
  }

  @Test
  void queryOutputReadsEveryItem() {
    List<NormalizeResult> r = RealSamples.read(RealSamples.settings(), "jit-aws-controller/jit_audit.aws-dynamodb-query-output.json");
    assertThat(RealSamples.rejected(r)).isEmpty();
    assertThat(RealSamples.events(r)).extracting(GatewayEvent::getType).containsExactly("request", "approval", "grant", "expiry");
  }

  @Test
  void aStreamsRecordsNewImageIsRead() throws Exception {
    String item = java.nio.file.Files.readAllLines(RealSamples.file("jit-aws-controller/jit_audit.s3-export-dynamodb-json.jsonl")).get(0);
    String image = Json.MAPPER.readTree(item).get("Item").toString();
    String record = "{\"eventID\":\"1\",\"eventName\":\"INSERT\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\","
        + "\"awsRegion\":\"us-east-1\",\"dynamodb\":{\"Keys\":{},\"NewImage\":" + image + ",\"SequenceNumber\":\"100\","
        + "\"StreamViewType\":\"NEW_IMAGE\"},\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:111122223333:table/jit_audit/stream/2026\"}";
    Normalizer n = new Normalizer(RealSamples.settings());
    List<NormalizeResult> single = n.normalizeJson(record, SourceRef.of("stream", 1));
    assertThat(single).hasSize(1);
    assertThat(((GatewayEvent) ((NormalizeResult.Normalized) single.get(0)).value()).getType()).isEqualTo("request");
    List<NormalizeResult> batch = n.normalizeJson("{\"Records\":[" + record + ","
        + record.replace("INSERT", "REMOVE") + "]}", SourceRef.of("lambda", 1));
    assertThat(batch.get(0)).isInstanceOf(NormalizeResult.Normalized.class);
    assertThat(batch.get(1)).isInstanceOf(NormalizeResult.Skipped.class);
  }

  @Test
  void aPutItemBodyOfARenamedTableIsReadByItsFields() throws Exception {
    String line = java.nio.file.Files.readAllLines(RealSamples.file("jit-aws-controller/dynamodb-putitem-requests.jsonl")).get(0)
        .replace("\"TableName\":\"jit_requests\"", "\"TableName\":\"prod-jit_requests-v2\"");
    List<NormalizeResult> r = new Normalizer(RealSamples.settings()).normalizeJson(line, SourceRef.of("f", 1));
    assertThat(RealSamples.events(r)).singleElement().satisfies(e -> assertThat(e.getSourceEventType()).isEqualTo("jit_requests"));
    String other = line.replace("prod-jit_requests-v2", "requests_by_channel");
    assertThat(RealSamples.events(new Normalizer(RealSamples.settings()).normalizeJson(other, SourceRef.of("f", 1))))
        .singleElement().satisfies(e -> assertThat(e.getSourceEventType()).isEqualTo("jit_requests"));
  }

  @Test
  void lifecycleMapping() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(),
        "jit-aws-controller/jit_audit.plain.jsonl"));
    GatewayEvent request = one(ev, DAVE, "request");
    assertThat(request.getTicketId()).isNull(); // jira ""
    assertThat(request.getRequestedDurationSeconds()).isEqualTo(120 * 60L);
    assertThat(request.getAccountId()).isEqualTo("111122223333");
    assertThat(one(ev, ALICE, "approval").getApprover()).isEqualTo("bob@corp.example");
    assertThat(one(ev, ALICE, "approval").getSubject()).isEqualTo("alice@corp.example");
    assertThat(one(ev, ERIN, "denial").getActor()).isNotNull();
    assertThat(one(ev, CAROL, "expiry").getReason()).isEqualTo("revoked");
    assertThat(one(ev, CAROL, "expiry").getActor()).isEqualTo("secops@corp.example");
    assertThat(one(ev, ALICE, "expiry").getReason()).isEqualTo("ttl_elapsed");
    assertThat(one(ev, DAVE, "expiry").getActor()).isEqualTo("reconciler");
    GatewayEvent error = one(ev, FRANK, "error");
    assertThat(error.getErrorPhase()).isEqualTo("grant");
    assertThat(error.getErrorMessage()).isNotBlank();
    assertThat(one(ev, FRANK, "approval").getApprover()).isEqualTo(one(ev, FRANK, "request").getSubject());
  }

  @Test
  void grantedHasNoExpirySoItIsDerivedFromTheRequestedDuration() {
    List<GatewayEvent> ev = RealSamples.events(RealSamples.read(RealSamples.settings(),
        "jit-aws-controller/jit_audit.plain.jsonl"));
    GatewayEvent grant = one(ev, ALICE, "grant");
    assertThat(grant.getExpiresAt()).isEqualTo(grant.getTimestamp().plusSeconds(3600));
    assertThat(grant.getSingleUse()).isFalse();
    assertThat(grant.getExtraJson()).contains("\"expiresAtBasis\":\"requested_duration_minutes\"");
    assertThat(grant.getAssignment()).isNull(); // no jit_requests item read yet: principal unknown
  }

  @Test
  void withJitRequestsTheGrantCarriesTheAssignmentAndTheEarlierDeadline() {
    List<NormalizeResult> r = RealSamples.read(RealSamples.settings(),
        "jit-aws-controller/jit_requests.s3-export-dynamodb-json.jsonl", "jit-aws-controller/jit_audit.plain.jsonl");
    assertThat(RealSamples.rejected(r)).isEmpty();
    List<GatewayEvent> ev = RealSamples.events(r);
    GatewayEvent grant = one(ev, ALICE, "grant");
    assertThat(grant.getExpiresAt()).isEqualTo(Instant.parse("2026-12-06T22:12:27Z")); // end_time, before grant + 60 min
    assertThat(grant.getAssignment().getPrincipalId()).isEqualTo("90671d1d7044-idstore");
    assertThat(grant.getAssignment().getInstanceArn()).isEqualTo(RealSamples.INSTANCE);
    assertThat(grant.getAssignment().getPermissionSetArn()).isEqualTo(RealSamples.PERMISSION_SET);
    assertThat(grant.getAssignment().getAccountId()).isEqualTo("111122223333");
    assertThat(grant.getAssignment().getPrincipalType()).isEqualTo("USER");
  }

  @Test
  void withoutAnyDurationTheMaximumBoundsTheGrant() {
    Normalizer n = new Normalizer(RealSamples.settings());
    GatewayEvent g = (GatewayEvent) ((NormalizeResult.Normalized) n.normalizeJson("{\"request_id\":\"x\",\"event_id\":\"e\","
        + "\"event_time\":\"2026-12-06T21:12:29Z\",\"event_type\":\"GRANTED\",\"account_id\":\"111122223333\","
        + "\"actor_email\":\"system\"}", SourceRef.of("f", 1)).get(0)).value();
    assertThat(g.getExpiresAt()).isEqualTo(Instant.parse("2026-12-07T01:12:29.002Z"));
  }

  @Test
  void grantedBeforeApprovedInTheSameSecondIsReadTheSame() {
    Normalizer n = new Normalizer(RealSamples.settings());
    String granted = "{\"request_id\":\"y\",\"event_id\":\"g\",\"event_time\":\"2026-12-06T21:12:29Z\",\"event_type\":\"GRANTED\","
        + "\"account_id\":\"111122223333\",\"actor_email\":\"system\"}";
    String approved = granted.replace("GRANTED", "APPROVED").replace("system", "bob@corp.example").replace("\"g\"", "\"a\"");
    List<NormalizeResult> r = new java.util.ArrayList<>(n.normalizeJson(granted, SourceRef.of("f", 1)));
    r.addAll(n.normalizeJson(approved, SourceRef.of("f", 2)));
    assertThat(RealSamples.events(r)).extracting(GatewayEvent::getType).containsExactly("grant", "approval");
    // read grant first, yet in time order the approval comes first (whole-second times get the lifecycle rank)
    assertThat(RealSamples.events(r)).extracting(GatewayEvent::getTimestamp)
        .containsExactly(Instant.parse("2026-12-06T21:12:29.002Z"), Instant.parse("2026-12-06T21:12:29.001Z"));
  }

  @Test
  void aReconcilerErrorWithoutPhaseIsARevokePhaseError() {
    Normalizer n = new Normalizer(RealSamples.settings());
    GatewayEvent e = (GatewayEvent) ((NormalizeResult.Normalized) n.normalizeJson("{\"request_id\":\"z\",\"event_id\":\"e\","
        + "\"event_time\":\"2026-12-06T21:12:29Z\",\"event_type\":\"ERROR\",\"account_id\":\"111122223333\","
        + "\"actor_email\":\"reconciler\",\"details\":{\"error\":\"AccessDenied\"}}", SourceRef.of("f", 1)).get(0)).value();
    assertThat(e.getErrorPhase()).isEqualTo("revoke");
    assertThat(e.getErrorMessage()).isEqualTo("AccessDenied");
  }

  @Test
  void theWholeSampleFolderReadsWithNothingRejectedAndOneFactPerTransition() {
    List<NormalizeResult> r = RealSamples.read(RealSamples.settings(), "jit-aws-controller");
    assertThat(RealSamples.rejected(r)).isEmpty();
    Map<String, Long> factsPerRequest = RealSamples.events(r).stream().collect(Collectors.groupingBy(
        GatewayEvent::getRequestId, Collectors.mapping(GatewayEvent::getSourceDigest,
            Collectors.collectingAndThen(Collectors.toSet(), s -> (long) s.size()))));
    // alice: jit_requests, request, approval, grant, expiry
    assertThat(factsPerRequest).containsEntry(ALICE, 5L).containsEntry(ERIN, 3L).hasSize(5);
  }

  @Test
  void theSignedWebhookSamplesVerifyWithTheKeyGivenForThem() throws Exception {
    for (String line : java.nio.file.Files.readAllLines(RealSamples.file("jit-aws-controller/webhook-deliveries.jsonl"))) {
      var d = Json.MAPPER.readTree(line);
      var h = d.get("headers");
      assertThat(JitSignature.verify(Map.of(RealSamples.WEBHOOK_KEY_ID, RealSamples.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8)),
          h.get("X-Jit-Keyid").asText(), h.get("X-Jit-Timestamp").asText(), h.get("X-Jit-Nonce").asText(), "POST",
          "/jit/webhook", d.get("body").asText().getBytes(StandardCharsets.UTF_8), h.get("X-Jit-Signature").asText()))
          .as(line).isTrue();
    }
  }

  @Test
  void aCapturedDeliveryThatDoesNotVerifyIsRejected() throws Exception {
    String line = java.nio.file.Files.readAllLines(RealSamples.file("jit-aws-controller/webhook-deliveries.jsonl")).get(0)
        .replace("\\\"60\\\"", "\\\"600\\\"");
    NormalizeResult.Rejected x = (NormalizeResult.Rejected) new Normalizer(RealSamples.settings())
        .normalizeJson(line, SourceRef.of("deliveries.jsonl", 1)).get(0);
    assertThat(x.field()).isEqualTo("headers.X-JIT-Signature");
    assertThat(x.reason()).startsWith("JIT controller webhook delivery: `headers.X-JIT-Signature` does not verify");
  }

  @Test
  void aBareWebhookBodyWithNoEarlierRecordHasNoTimeAndIsRejected() {
    List<NormalizeResult> r = RealSamples.read(RealSamples.settings(), "jit-aws-controller/webhook-bodies.jsonl");
    assertThat(RealSamples.rejected(r)).hasSize(7).allSatisfy(x -> assertThat(x.field()).isEqualTo("X-JIT-Timestamp"));
  }

  @Test
  void badInputNamesTheFieldAndTheFormat() {
    Normalizer n = new Normalizer(SourceSettings.none());
    NormalizeResult.Rejected x = (NormalizeResult.Rejected) n.normalizeJson("{\"Item\":{\"request_id\":{\"S\":\"r\"},"
        + "\"event_type\":{\"S\":\"APPROVED\"},\"event_time\":{\"S\":\"soon\"},\"account_id\":{\"S\":\"1\"}}}",
        SourceRef.of("export.json", 9)).get(0);
    assertThat(x.describe()).startsWith("export.json:9: JIT controller jit_audit item: `event_time` is not a timestamp");
    NormalizeResult.Rejected y = (NormalizeResult.Rejected) n.normalizeJson("{\"request_id\":\"r\",\"event_type\":\"REQUESTED\","
        + "\"event_time\":\"2026-12-06T21:12:29Z\",\"account_id\":\"1\",\"details\":{\"requested_duration_minutes\":\"an hour\"}}",
        SourceRef.of("f", 2)).get(0);
    assertThat(y.field()).isEqualTo("details.requested_duration_minutes");
  }

  @Test
  void anUnknownEventTypeIsKeptAndDeadLettered() {
    Normalizer n = new Normalizer(SourceSettings.none());
    List<NormalizeResult> r = n.normalizeJson("{\"request_id\":\"r\",\"event_type\":\"EXTENDED\","
        + "\"event_time\":\"2026-12-06T21:12:29Z\",\"account_id\":\"1\"}", SourceRef.of("f", 2));
    assertThat(r).hasSize(2);
    assertThat(((GatewayEvent) ((NormalizeResult.Normalized) r.get(0)).value()).getType()).isEqualTo("audit");
    assertThat(((NormalizeResult.Rejected) r.get(1)).field()).isEqualTo("event_type");
  }
}
