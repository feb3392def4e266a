package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import static io.glasswatch.producers.normalize.Results.all;
import static io.glasswatch.producers.normalize.Results.normalized;
import static io.glasswatch.producers.normalize.Results.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardDutyNormalizerTest {
  /** A RootCredentialUsage finding in the camelCase wire shape (API_Finding). */
  static final String FINDING = """
      {"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","partition":"aws",
       "id":"1ab92989eaf0e742df4a014d5example","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/1",
       "type":"Policy:IAMUser/RootCredentialUsage",
       "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"ASIAEXAMPLE","principalId":"111122223333",
         "userName":"Root","userType":"Root"}},
       "service":{"serviceName":"guardduty","detectorId":"d","count":1,"archived":false,
         "eventFirstSeen":"2020-05-26T22:02:24Z","eventLastSeen":"2020-05-26T22:33:55Z",
         "action":{"actionType":"AWS_API_CALL","awsApiCallAction":{"api":"ListPolicyVersions",
           "serviceName":"iam.amazonaws.com","callerType":"Remote IP","remoteIpDetails":{"ipAddressV4":"52.94.36.7"}}},
         "additionalInfo":{"sample":false}},
       "severity":2,"createdAt":"2020-05-26T22:21:48.385Z","updatedAt":"2020-05-26T22:55:21.703Z",
       "title":"The API ListPolicyVersions was invoked using root credentials.","description":"d"}""";

  @Test
  void fillsEverySchemaFieldOfACamelCaseFinding() {
    NormalizeResult.Normalized n = normalized(FINDING);
    assertThat(n.topic()).isEqualTo(Topics.GUARDDUTY_FINDINGS);
    assertThat(n.key()).isEqualTo("111122223333");
    assertThat(n.eventTime()).as("eventLastSeen").isEqualTo(Instant.parse("2020-05-26T22:33:55Z"));
    GuardDutyFinding f = (GuardDutyFinding) n.value();
    assertThat(f.getId()).isEqualTo("1ab92989eaf0e742df4a014d5example");
    assertThat(f.getType()).isEqualTo("Policy:IAMUser/RootCredentialUsage");
    assertThat(f.getSeverity()).isEqualTo(2.0);
    assertThat(f.getAccountId()).isEqualTo("111122223333");
    assertThat(f.getRegion()).isEqualTo("us-east-1");
    assertThat(f.getCreatedAt()).isEqualTo(Instant.parse("2020-05-26T22:21:48.385Z"));
    assertThat(f.getUpdatedAt()).isEqualTo(Instant.parse("2020-05-26T22:55:21.703Z"));
    assertThat(f.getEventFirstSeen()).isEqualTo(Instant.parse("2020-05-26T22:02:24Z"));
    assertThat(f.getEventLastSeen()).isEqualTo(Instant.parse("2020-05-26T22:33:55Z"));
    assertThat(f.getTitle()).startsWith("The API ListPolicyVersions");
    assertThat(f.getDescription()).isEqualTo("d");
    assertThat(f.getSample()).isFalse();
    assertThat(f.getResourceType()).isEqualTo("AccessKey");
    assertThat(f.getAccessKeyUserType()).isEqualTo("Root");
    assertThat(f.getAccessKeyUserName()).isEqualTo("Root");
    assertThat(f.getAccessKeyPrincipalId()).isEqualTo("111122223333");
    assertThat(f.getAccessKeyId()).isEqualTo("ASIAEXAMPLE");
    assertThat(f.getApi()).isEqualTo("ListPolicyVersions");
    assertThat(f.getServiceName()).isEqualTo("iam.amazonaws.com");
    assertThat(f.getCallerType()).isEqualTo("Remote IP");
    assertThat(f.getRemoteIp()).isEqualTo("52.94.36.7");
    assertThat(f.getFinding()).startsWith("{\"schemaVersion\":\"2.0\"").doesNotContain("\n");
    assertThat(f.getOrigin()).isEqualTo("in.jsonl:7");
  }

  @Test
  void readsSampleAsBooleanOrString() {
    assertThat(((GuardDutyFinding) normalized(FINDING.replace("\"sample\":false", "\"sample\":true")).value()).getSample()).isTrue();
    assertThat(((GuardDutyFinding) normalized(FINDING.replace("\"sample\":false", "\"sample\":\"true\"")).value()).getSample()).isTrue();
    assertThat(((GuardDutyFinding) normalized(FINDING.replace("\"additionalInfo\":{\"sample\":false}", "\"x\":1")).value()).getSample()).isFalse();
  }

  @Test
  void readsPascalCaseGetFindingsResponses() {
    String pascal = """
        {"Findings":[{"AccountId":"000011112222","Id":"60bebb31","Type":"Policy:IAMUser/RootCredentialUsage",
          "SchemaVersion":"2.0","Severity":2,"Region":"us-east-1","CreatedAt":"<JS expression: new Date()>",
          "Resource":{"ResourceType":"AccessKey","AccessKeyDetails":{"UserType":"Root","UserName":"x"}},
          "Service":{"EventLastSeen":"2021-12-01T14:25:28.000Z","AdditionalInfo":{"Sample":true},
            "Action":{"AwsApiCallAction":{"Api":"ListFindings","RemoteIpDetails":{"IpAddressV4":"103.127.36.50"}}}}},
         {"AccountId":"000011112222","Type":"Recon:IAMUser/UserPermissions","Severity":5}]}""";
    List<NormalizeResult> r = all(pascal);
    assertThat(r).hasSize(2);
    NormalizeResult.Normalized n = (NormalizeResult.Normalized) r.get(0);
    assertThat(n.origin()).isEqualTo("in.jsonl:7#0");
    GuardDutyFinding f = (GuardDutyFinding) n.value();
    assertThat(f.getId()).isEqualTo("60bebb31");
    assertThat(f.getAccessKeyUserType()).isEqualTo("Root");
    assertThat(f.getApi()).isEqualTo("ListFindings");
    assertThat(f.getRemoteIp()).isEqualTo("103.127.36.50");
    assertThat(f.getSample()).isTrue();
    assertThat(f.getCreatedAt()).as("unparsable optional timestamp left null").isNull();
    assertThat(f.getFinding()).contains("\"AccountId\":\"000011112222\"");
    NormalizeResult.Rejected noId = (NormalizeResult.Rejected) r.get(1);
    assertThat(noId.reason()).isEqualTo("Findings[1]: guardduty: missing required field id");
    assertThat(noId.field()).isEqualTo("Findings[1].id");
  }

  @Test
  void unwrapsTheEventBridgeEnvelope() {
    String env = "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"GuardDuty Finding\",\"source\":\"aws.guardduty\","
        + "\"account\":\"111122223333\",\"time\":\"2020-05-26T22:55:21Z\",\"region\":\"us-east-1\",\"resources\":[],"
        + "\"detail\":" + FINDING + "}";
    assertThat(((GuardDutyFinding) normalized(env).value()).getType()).isEqualTo("Policy:IAMUser/RootCredentialUsage");
    NormalizeResult.Rejected template = rejected(env.replace(FINDING, "{\"GUARDDUTY_FINDING_JSON_OBJECT\":null}"));
    assertThat(template.reason()).isEqualTo("eventbridge: envelope 'GuardDuty Finding' has a placeholder detail,"
        + " not a GuardDuty finding (fields: GUARDDUTY_FINDING_JSON_OBJECT)");
    assertThat(rejected(env.replace(FINDING, "{}")).reason()).contains("has an empty detail");
  }

  @Test
  void fallsBackToUpdatedAtAndRejectsWithoutAnyEventTime() {
    String noLastSeen = FINDING.replace("\"eventLastSeen\":\"2020-05-26T22:33:55Z\",", "");
    assertThat(normalized(noLastSeen).eventTime()).isEqualTo(Instant.parse("2020-05-26T22:55:21.703Z"));
    String none = noLastSeen.replace("\"createdAt\":\"2020-05-26T22:21:48.385Z\",\"updatedAt\":\"2020-05-26T22:55:21.703Z\",", "");
    NormalizeResult.Rejected r = rejected(none);
    assertThat(r.field()).isEqualTo("service.eventLastSeen");
    NormalizeResult.Rejected bad = rejected(FINDING.replace("2020-05-26T22:33:55Z", "yesterday"));
    assertThat(bad.field()).isEqualTo("service.eventLastSeen");
    assertThat(bad.reason()).isEqualTo("guardduty: invalid timestamp in field service.eventLastSeen: 'yesterday'");
  }

  @Test
  void rejectsMissingOrInvalidRequiredFields() {
    assertThat(rejected(FINDING.replace("\"severity\":2,", "\"severity\":\"high\",")).reason())
        .isEqualTo("guardduty: field severity must be a non-negative number, got 'high'");
    assertThat(rejected(FINDING.replace("\"accountId\":\"111122223333\",", "")).reason())
        .isEqualTo("guardduty: missing required field accountId");
    assertThat(((GuardDutyFinding) normalized(FINDING.replace("\"severity\":2,", "\"severity\":\"8.5\",")).value())
        .getSeverity()).isEqualTo(8.5);
  }
}
