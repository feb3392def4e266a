package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.Secrets;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import static io.glasswatch.producers.normalize.Results.normalized;
import static io.glasswatch.producers.normalize.Results.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayNormalizerTest {
  private static final String TOKEN = "tok_live_7Hq2ZpX9wLmN4vBc";

  static final String REQUEST = """
      {"type":"request","requestId":"req-1","subject":"alice@example.com","justification":"prod outage",
       "ticketId":"INC-42","accountId":"111122223333","timestamp":"2024-05-01T12:00:00Z"}""";
  static final String APPROVAL = """
      {"type":"approval","requestId":"req-1","approver":"bob","approverAcr":"loa2",
       "approverRole":"security","timestamp":"2024-05-01T12:01:00Z","comment":"ok"}""";
  static final String GRANT = """
      {"type":"grant","requestId":"req-1","tokenId":"%s","expiresAt":"2024-05-01T13:00:00Z",
       "timestamp":"2024-05-01T12:02:00Z",
       "assignment":{"instanceArn":"arn:aws:sso:::instance/ssoins-0123456789abcdef","accountId":"111122223333",
         "permissionSetArn":"arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
         "principalType":"USER","principalId":"f81d4fae-7dec-11d0-a765-00a0c91e6bf6"}}""".formatted(TOKEN);
  static final String USAGE = """
      {"type":"usage","requestId":"req-1","tokenId":"%s","subject":"alice@example.com","resource":"db/prod",
       "action":"read","outcome":"ALLOW","timestamp":"2024-05-01T12:03:00Z","scope":"break_glass:elevated",
       "tenant":"acme"}""".formatted(TOKEN);
  static final String EXPIRY = """
      {"type":"expiry","requestId":"req-1","reason":"ttl_elapsed","timestamp":"2024-05-01T13:00:00Z"}""";
  static final String ROTATION = """
      {"type":"rotation","accountId":"111122223333","credential":"root_password","timestamp":"2024-05-01T14:00:00Z",
       "actor":"carol"}""";

  @Test
  void normalizesARequestWithDefaultsForScopeAndKind() {
    NormalizeResult.Normalized n = normalized(REQUEST);
    assertThat(n.topic()).isEqualTo(Topics.GATEWAY_EVENTS);
    assertThat(n.key()).isEqualTo("req-1");
    assertThat(n.origin()).isEqualTo("in.jsonl:7");
    assertThat(n.eventTime()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    GatewayEvent e = (GatewayEvent) n.value();
    assertThat(e.getType()).isEqualTo("request");
    assertThat(e.getSubject()).isEqualTo("alice@example.com");
    assertThat(e.getJustification()).isEqualTo("prod outage");
    assertThat(e.getTicketId()).isEqualTo("INC-42");
    assertThat(e.getAccountId()).isEqualTo("111122223333");
    assertThat(e.getScope()).containsExactly("break_glass:elevated");
    assertThat(e.getKind()).isEqualTo("jit");
    assertThat(e.getTimestamp()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    assertThat(e.getExtraJson()).isNull();
    assertThat(e.getOrigin()).isEqualTo("in.jsonl:7");
    assertThat(e.getSourceDigest()).matches("[0-9a-f]{64}");
  }

  @Test
  void keepsExplicitRequestOptions() {
    GatewayEvent e = (GatewayEvent) normalized(REQUEST.replace("}", ",\"scope\":[\"s3:read\",\"ec2:*\"],"
        + "\"kind\":\"ROOT\",\"requestedDurationSeconds\":\"1800\",\"tenant\":\"acme\","
        + "\"permissionSetArn\":\"arn:aws:sso:::permissionSet/x/ps-1\"}")).value();
    assertThat(e.getScope()).containsExactly("s3:read", "ec2:*");
    assertThat(e.getKind()).isEqualTo("root");
    assertThat(e.getRequestedDurationSeconds()).isEqualTo(1800L);
    assertThat(e.getTenant()).isEqualTo("acme");
    assertThat(e.getPermissionSetArn()).isEqualTo("arn:aws:sso:::permissionSet/x/ps-1");
  }

  @Test
  void normalizesAnApproval() {
    GatewayEvent e = (GatewayEvent) normalized(APPROVAL).value();
    assertThat(e.getApprover()).isEqualTo("bob");
    assertThat(e.getApproverAcr()).isEqualTo("loa2");
    assertThat(e.getApproverRole()).isEqualTo("security");
    assertThat(e.getComment()).isEqualTo("ok");
    assertThat(e.getSubject()).isNull();
  }

  @Test
  void normalizesAGrantWithItsAssignmentAndFingerprint() {
    NormalizeResult.Normalized n = normalized(GRANT);
    GatewayEvent e = (GatewayEvent) n.value();
    assertThat(e.getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint(TOKEN));
    assertThat(e.getExpiresAt()).isEqualTo(Instant.parse("2024-05-01T13:00:00Z"));
    assertThat(e.getSingleUse()).isTrue();
    AccountAssignment a = e.getAssignment();
    assertThat(a.getAccountId()).isEqualTo("111122223333");
    assertThat(a.getPrincipalType()).isEqualTo("USER");
    assertThat(a.getPrincipalId()).isEqualTo("f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    assertThat(e.getAccountId()).as("account taken from the assignment").isEqualTo("111122223333");
    assertThat(n.key()).isEqualTo("req-1");
  }

  @Test
  void keepsAnExplicitSingleUseFalse() {
    GatewayEvent e = (GatewayEvent) normalized(GRANT.replace("\"timestamp\"", "\"singleUse\":\"false\",\"timestamp\"")).value();
    assertThat(e.getSingleUse()).isFalse();
  }

  @Test
  void normalizesAUsageWithLowerCasedOutcomeAndScalarScope() {
    GatewayEvent e = (GatewayEvent) normalized(USAGE).value();
    assertThat(e.getOutcome()).isEqualTo("allow");
    assertThat(e.getScope()).containsExactly("break_glass:elevated");
    assertThat(e.getTenant()).isEqualTo("acme");
    assertThat(e.getResource()).isEqualTo("db/prod");
    assertThat(e.getAction()).isEqualTo("read");
    assertThat(e.getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint(TOKEN));
  }

  @Test
  void normalizesExpiryAndRotation() {
    assertThat(((GatewayEvent) normalized(EXPIRY).value()).getReason()).isEqualTo("ttl_elapsed");
    NormalizeResult.Normalized rotation = normalized(ROTATION);
    GatewayEvent r = (GatewayEvent) rotation.value();
    assertThat(r.getCredential()).isEqualTo("root_password");
    assertThat(r.getActor()).isEqualTo("carol");
    assertThat(r.getRequestId()).isNull();
    assertThat(rotation.key()).as("rotation without request id is keyed by account").isEqualTo("111122223333");
    assertThat(normalized(ROTATION.replace("}", ",\"requestId\":\"req-9\"}")).key()).isEqualTo("req-9");
  }

  @Test
  void acceptsOffsetsAndConvertsToUtc() {
    NormalizeResult.Normalized n = normalized(EXPIRY.replace("2024-05-01T13:00:00Z", "2024-05-01T15:00:00.250+02:00"));
    assertThat(n.eventTime()).isEqualTo(Instant.parse("2024-05-01T13:00:00.250Z"));
  }

  @Test
  void keepsUnknownFieldsAsExtraJsonWithSecretsRedacted() {
    GatewayEvent e = (GatewayEvent) normalized(APPROVAL.replace("}",
        ",\"channel\":\"#inc-42\",\"nested\":{\"sessionToken\":\"s3cr3t-value\",\"n\":1},\"tokenId\":\"" + TOKEN + "\"}"))
        .value();
    assertThat(e.getExtraJson()).contains("\"channel\":\"#inc-42\"").contains("\"n\":1")
        .contains(Secrets.REDACTED).doesNotContain("s3cr3t-value").doesNotContain(TOKEN);
  }

  static Stream<Arguments> missingFields() {
    return Stream.of(
        Arguments.of(REQUEST, "justification", "request: missing required field justification"),
        Arguments.of(REQUEST, "accountId", "request: missing required field accountId"),
        Arguments.of(APPROVAL, "approverAcr", "approval: missing required field approverAcr"),
        Arguments.of(APPROVAL, "approverRole", "approval: missing required field approverRole"),
        Arguments.of(GRANT, "tokenId", "grant: missing required field tokenId"),
        Arguments.of(GRANT, "expiresAt", "grant: missing required field expiresAt"),
        Arguments.of(USAGE, "outcome", "usage: missing required field outcome"),
        Arguments.of(USAGE, "subject", "usage: missing required field subject"),
        Arguments.of(EXPIRY, "reason", "expiry: missing required field reason"),
        Arguments.of(EXPIRY, "requestId", "expiry: missing required field requestId"),
        Arguments.of(ROTATION, "credential", "rotation: missing required field credential"),
        Arguments.of(ROTATION, "timestamp", "rotation: missing required field timestamp"));
  }

  @ParameterizedTest
  @MethodSource("missingFields")
  void rejectsAMissingRequiredFieldNamingIt(String json, String field, String reason) throws Exception {
    ObjectNode obj = (ObjectNode) Json.MAPPER.readTree(json);
    obj.remove(field);
    NormalizeResult.Rejected r = rejected(obj.toString());
    assertThat(r.reason()).isEqualTo(reason);
    assertThat(r.field()).isEqualTo(field);
    assertThat(r.file()).isEqualTo("in.jsonl");
    assertThat(r.line()).isEqualTo(7);
  }

  @Test
  void namesTheFirstMissingFieldInTableOrder() {
    NormalizeResult.Rejected r = rejected("{\"type\":\"approval\",\"requestId\":\"r\",\"timestamp\":\"2024-05-01T12:00:00Z\"}");
    assertThat(r.reason()).isEqualTo("approval: missing required field approver");
  }

  @Test
  void treatsBlankAndNullAsMissing() {
    assertThat(rejected(APPROVAL.replace("\"bob\"", "\"  \"")).reason()).isEqualTo("approval: missing required field approver");
    assertThat(rejected(APPROVAL.replace("\"bob\"", "null")).reason()).isEqualTo("approval: missing required field approver");
  }

  @Test
  void rejectsAnUnparsableTimestampNamingTheField() {
    NormalizeResult.Rejected r = rejected(GRANT.replace("2024-05-01T13:00:00Z", "tomorrow noon"));
    assertThat(r.field()).isEqualTo("expiresAt");
    assertThat(r.reason()).startsWith("grant: invalid timestamp in field expiresAt: 'tomorrow noon'");
    NormalizeResult.Rejected noZone = rejected(EXPIRY.replace("2024-05-01T13:00:00Z", "2024-05-01T13:00:00"));
    assertThat(noZone.field()).isEqualTo("timestamp");
    assertThat(noZone.reason()).contains("expected ISO-8601 with a zone");
    assertThat(rejected(EXPIRY.replace("\"2024-05-01T13:00:00Z\"", "1714568400")).reason())
        .isEqualTo("expiry: invalid timestamp in field timestamp: expected an ISO-8601 string, got number");
  }

  @Test
  void rejectsInvalidEnumerationsAndTypes() {
    assertThat(rejected(USAGE.replace("ALLOW", "maybe")).reason())
        .isEqualTo("usage: invalid value in field outcome: 'maybe' (expected allow or deny)");
    assertThat(rejected(EXPIRY.replace("ttl_elapsed", "bored")).field()).isEqualTo("reason");
    assertThat(rejected(REQUEST.replace("}", ",\"kind\":\"admin\"}")).field()).isEqualTo("kind");
    assertThat(rejected(REQUEST.replace("\"prod outage\"", "{\"a\":1}")).reason())
        .isEqualTo("request: field justification must be a string, got object");
    assertThat(rejected(REQUEST.replace("}", ",\"scope\":[\"a\",2]}")).field()).isEqualTo("scope");
    assertThat(rejected(REQUEST.replace("}", ",\"requestedDurationSeconds\":-5}")).reason())
        .isEqualTo("request: field requestedDurationSeconds must not be negative, got -5");
    assertThat(rejected(GRANT.replace("\"timestamp\"", "\"singleUse\":\"sometimes\",\"timestamp\"")).field())
        .isEqualTo("singleUse");
  }

  @Test
  void rejectsAnIncompleteAssignmentNamingTheNestedField() {
    NormalizeResult.Rejected r = rejected(GRANT.replace("\"principalType\":\"USER\",", ""));
    assertThat(r.field()).isEqualTo("assignment.principalType");
    assertThat(r.reason()).isEqualTo("grant: missing required field assignment.principalType");
  }

  @Test
  void rejectsAnUnknownGatewayType() {
    NormalizeResult.Rejected r = rejected("{\"type\":\"revocation\",\"requestId\":\"req-1\",\"timestamp\":\"2024-05-01T12:00:00Z\"}");
    assertThat(r.field()).isEqualTo("type");
    assertThat(r.reason()).isEqualTo("gateway: unknown event type 'revocation'"
        + " (expected request, approval, grant, usage, expiry or rotation)");
  }

  @Test
  void sourceDigestIgnoresKeyOrderButNotContent() {
    String reordered = """
        {"timestamp":"2024-05-01T12:00:00Z","accountId":"111122223333","ticketId":"INC-42",
         "justification":"prod outage","subject":"alice@example.com","requestId":"req-1","type":"request"}""";
    String a = ((GatewayEvent) normalized(REQUEST).value()).getSourceDigest();
    assertThat(((GatewayEvent) normalized(reordered).value()).getSourceDigest()).isEqualTo(a);
    assertThat(((GatewayEvent) normalized(REQUEST.replace("INC-42", "INC-43")).value()).getSourceDigest()).isNotEqualTo(a);
    String otherToken = ((GatewayEvent) normalized(GRANT.replace(TOKEN, "tok_other")).value()).getSourceDigest();
    assertThat(otherToken).isNotEqualTo(((GatewayEvent) normalized(GRANT).value()).getSourceDigest());
  }

  @Test
  void theRawTokenAppearsInNoOutput() {
    String withExtra = GRANT.replace("\"timestamp\"", "\"note\":\"see tokenId\",\"timestamp\"");
    List<String> accepted = List.of(GRANT, USAGE, withExtra);
    for (String json : accepted) {
      NormalizeResult.Normalized n = normalized(json);
      assertThat(n.value().toString()).doesNotContain(TOKEN);
      assertThat(n.origin()).doesNotContain(TOKEN);
      assertThat(n.key()).doesNotContain(TOKEN);
    }
    List<String> rejectedInputs = List.of(
        GRANT.replace("2024-05-01T13:00:00Z", "soon"),
        USAGE.replace("ALLOW", "perhaps"),
        GRANT.replace("\"requestId\":\"req-1\",", ""),
        GRANT.replace("\"type\":\"grant\"", "\"type\":\"grant2\""),
        "{\"type\":\"grant\",\"tokenId\":\"" + TOKEN + "\",\"requestId\":\"r\",\"expiresAt\":\"2024-05-01T13:00:00Z\","
            + "\"timestamp\":\"2024-05-01T12:02:00Z\",\"assignment\":{\"accountId\":\"1\"}}",
        "{\"type\":\"usage\",\"tokenId\":" + "{\"v\":\"" + TOKEN + "\"}" + ",\"requestId\":\"r\"}");
    for (String json : rejectedInputs) {
      NormalizeResult.Rejected r = rejected(json);
      assertThat(r.reason()).doesNotContain(TOKEN);
      assertThat(r.rawText()).as("raw of %s", json).doesNotContain(TOKEN).contains(Secrets.REDACTED);
      assertThat(r.toString()).doesNotContain(TOKEN);
    }
  }

  @Test
  void normalizesARootDeclarationRow() {
    String row = """
        {"timestamp":"2024-05-01T12:05:00Z","actor_id":"alice@example.com","actor_role":"break_glass_root",
         "action":"break_glass_root_login","resource_type":"aws_account","resource_id":"111122223333",
         "ip_address":"203.0.113.7","user_agent":"Mozilla/5.0","result":"success",
         "metadata":{"reason":"IAM lockout","incident_channel":"#inc-42","expected_session_duration_minutes":30,
                     "requestId":"req-1","pager":"P123"}}""";
    NormalizeResult.Normalized n = normalized(row);
    assertThat(n.key()).isEqualTo("111122223333");
    GatewayEvent e = (GatewayEvent) n.value();
    assertThat(e.getType()).isEqualTo("root_declaration");
    assertThat(e.getAccountId()).isEqualTo("111122223333");
    assertThat(e.getRequestId()).isEqualTo("req-1");
    assertThat(e.getActor()).isEqualTo("alice@example.com");
    assertThat(e.getActorRole()).isEqualTo("break_glass_root");
    assertThat(e.getAction()).isEqualTo("break_glass_root_login");
    assertThat(e.getOutcome()).isEqualTo("success");
    assertThat(e.getSourceIp()).isEqualTo("203.0.113.7");
    assertThat(e.getUserAgent()).isEqualTo("Mozilla/5.0");
    assertThat(e.getReason()).isEqualTo("IAM lockout");
    assertThat(e.getIncidentChannel()).isEqualTo("#inc-42");
    assertThat(e.getExpectedSessionDurationMinutes()).isEqualTo(30L);
    assertThat(e.getExtraJson()).isEqualTo("{\"metadata\":{\"pager\":\"P123\"}}");
  }

  @Test
  void rejectsARootDeclarationWithoutAccountOrForAnotherResource() {
    String row = """
        {"timestamp":"2024-05-01T12:05:00Z","actor_id":"alice","actor_role":"break_glass_root",
         "action":"break_glass_root_login","resource_type":"aws_account"}""";
    NormalizeResult.Rejected r = rejected(row);
    assertThat(r.reason()).isEqualTo("root_declaration: missing required field resource_id");
    NormalizeResult.Rejected other = rejected(row.replace("}", ",\"resource_id\":\"1\"}").replace("aws_account", "s3_bucket"));
    assertThat(other.field()).isEqualTo("resource_type");
    assertThat(rejected(row.replace("}", ",\"resource_id\":\"1\",\"metadata\":\"x\"}")).field()).isEqualTo("metadata");
  }
}
