package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import io.glasswatch.producers.normalize.core.Json;

import static io.glasswatch.producers.normalize.Results.all;
import static io.glasswatch.producers.normalize.Results.normalized;
import static io.glasswatch.producers.normalize.Results.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudTrailNormalizerTest {
  /** Root console sign-in without MFA, after the CloudTrail user guide's sign-in examples. */
  static final String ROOT_LOGIN = """
      {"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333",
        "arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},
       "eventTime":"2024-05-01T12:06:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin",
       "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"Mozilla/5.0",
       "requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},
       "additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"},
       "eventID":"3fcfb182-98f8-4744-bd45-10a395ab61cb","readOnly":false,"eventType":"AwsConsoleSignIn",
       "recipientAccountId":"111122223333"}""";

  /** An IAM call made in an assumed-role session with MFA, invoked by a service. */
  static final String ASSUMED_ROLE_CALL = """
      {"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice",
        "arn":"arn:aws:sts::444455556666:assumed-role/Admin/alice","accountId":"444455556666",
        "accessKeyId":"ASIAEXAMPLE","invokedBy":"signin.amazonaws.com",
        "sessionContext":{"sessionIssuer":{"type":"Role","userName":"Admin"},
          "attributes":{"creationDate":"2024-05-01T11:00:00Z","mfaAuthenticated":"true"}}},
       "eventTime":"2024-05-01T12:07:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey",
       "awsRegion":"us-east-1","sourceIPAddress":"signin.amazonaws.com","userAgent":"signin.amazonaws.com",
       "errorCode":"AccessDenied","errorMessage":"not allowed","readOnly":"false",
       "requestParameters":{"userName":"bob"},"responseElements":null,"eventType":"AwsApiCall"}""";

  @Test
  void fillsEverySchemaFieldOfARootConsoleLogin() {
    NormalizeResult.Normalized n = normalized(ROOT_LOGIN);
    assertThat(n.topic()).isEqualTo(Topics.CLOUDTRAIL_EVENTS);
    assertThat(n.key()).isEqualTo("111122223333");
    assertThat(n.eventTime()).isEqualTo(Instant.parse("2024-05-01T12:06:00Z"));
    CloudTrailEvent e = (CloudTrailEvent) n.value();
    assertThat(e.getEventID()).isEqualTo("3fcfb182-98f8-4744-bd45-10a395ab61cb");
    assertThat(e.getEventTime()).isEqualTo(Instant.parse("2024-05-01T12:06:00Z"));
    assertThat(e.getEventSource()).isEqualTo("signin.amazonaws.com");
    assertThat(e.getEventName()).isEqualTo("ConsoleLogin");
    assertThat(e.getEventType()).isEqualTo("AwsConsoleSignIn");
    assertThat(e.getAwsRegion()).isEqualTo("us-east-1");
    assertThat(e.getRecipientAccountId()).isEqualTo("111122223333");
    assertThat(e.getSourceIPAddress()).isEqualTo("203.0.113.7");
    assertThat(e.getUserAgent()).isEqualTo("Mozilla/5.0");
    assertThat(e.getUserIdentityType()).isEqualTo("Root");
    assertThat(e.getUserIdentityArn()).isEqualTo("arn:aws:iam::111122223333:root");
    assertThat(e.getUserIdentityPrincipalId()).isEqualTo("111122223333");
    assertThat(e.getUserName()).isNull();
    assertThat(e.getInvokedBy()).isNull();
    assertThat(e.getAccessKeyId()).as("blank is absent").isNull();
    assertThat(e.getMfaUsed()).isEqualTo("NO");
    assertThat(e.getMfaAuthenticated()).isNull();
    assertThat(e.getConsoleLogin()).isEqualTo("Success");
    assertThat(e.getErrorCode()).isNull();
    assertThat(e.getReadOnly()).isFalse();
    assertThat(e.getRequestParametersJson()).isNull();
    assertThat(e.getResponseElementsJson()).isEqualTo("{\"ConsoleLogin\":\"Success\"}");
    assertThat(e.getAdditionalEventDataJson())
        .isEqualTo("{\"LoginTo\":\"https://console.aws.amazon.com/\",\"MobileVersion\":\"No\",\"MFAUsed\":\"No\"}");
    assertThat(e.getRecord()).startsWith("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\"")
        .doesNotContain("\n").doesNotContain(": ");
    assertThat(e.getOrigin()).isEqualTo("in.jsonl:7");
  }

  @Test
  void readsSessionContextInvokedByErrorsAndStringBooleans() {
    CloudTrailEvent e = (CloudTrailEvent) normalized(ASSUMED_ROLE_CALL).value();
    assertThat(e.getMfaAuthenticated()).isTrue();
    assertThat(e.getUserName()).as("session issuer's name").isEqualTo("Admin");
    assertThat(e.getInvokedBy()).isEqualTo("signin.amazonaws.com");
    assertThat(e.getAccessKeyId()).isEqualTo("ASIAEXAMPLE");
    assertThat(e.getErrorCode()).isEqualTo("AccessDenied");
    assertThat(e.getErrorMessage()).isEqualTo("not allowed");
    assertThat(e.getReadOnly()).isFalse();
    assertThat(e.getRequestParametersJson()).isEqualTo("{\"userName\":\"bob\"}");
    assertThat(e.getResponseElementsJson()).isNull();
    assertThat(e.getRecipientAccountId()).as("userIdentity.accountId").isEqualTo("444455556666");
  }

  @Test
  void upperCasesMfaUsedWhateverItsCase() {
    assertThat(((CloudTrailEvent) normalized(ROOT_LOGIN.replace("\"MFAUsed\":\"No\"", "\"MFAUsed\":\"yes\"")).value())
        .getMfaUsed()).isEqualTo("YES");
  }

  @Test
  void matchesLowerCasedKeys() {
    String lower = """
        {"eventversion":"1.08","eventtime":"2023-01-10 21:04:02","eventname":"GetRecords",
         "eventsource":"dynamodb.amazonaws.com","eventid":"5d4b45ed","awsregion":"eu-west-1",
         "useridentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/x"},"readonly":"true"}""";
    NormalizeResult.Normalized n = normalized(lower);
    CloudTrailEvent e = (CloudTrailEvent) n.value();
    assertThat(e.getEventName()).isEqualTo("GetRecords");
    assertThat(e.getEventSource()).isEqualTo("dynamodb.amazonaws.com");
    assertThat(e.getEventID()).isEqualTo("5d4b45ed");
    assertThat(e.getEventTime()).isEqualTo(Instant.parse("2023-01-10T21:04:02Z"));
    assertThat(e.getAwsRegion()).isEqualTo("eu-west-1");
    assertThat(e.getUserIdentityType()).isEqualTo("IAMUser");
    assertThat(e.getReadOnly()).isTrue();
    assertThat(n.key()).as("account of the identity ARN").isEqualTo("123456789012");
  }

  @Test
  void derivesAStableEventIdWhenMissing() throws Exception {
    String noId = ROOT_LOGIN.replace("\"eventID\":\"3fcfb182-98f8-4744-bd45-10a395ab61cb\",", "");
    String id = ((CloudTrailEvent) normalized(noId).value()).getEventID();
    assertThat(id).matches("sha256:[0-9a-f]{32}");
    ObjectNode reordered = (ObjectNode) Json.MAPPER.readTree(noId);
    JsonNode region = reordered.remove("awsRegion");
    reordered.set("awsRegion", region);
    assertThat(reordered.toString()).isNotEqualTo(Json.MAPPER.readTree(noId).toString());
    assertThat(((CloudTrailEvent) normalized(reordered.toString()).value()).getEventID())
        .as("same record, other key order").isEqualTo(id);
    assertThat(((CloudTrailEvent) normalized(noId.replace("203.0.113.7", "203.0.113.8")).value()).getEventID())
        .isNotEqualTo(id);
  }

  @Test
  void rejectsARecordWithoutEventTimeNameOrSource() {
    NormalizeResult.Rejected noTime = rejected(ROOT_LOGIN.replace("\"eventTime\":\"2024-05-01T12:06:00Z\",", ""));
    assertThat(noTime.field()).isEqualTo("eventTime");
    assertThat(noTime.reason()).isEqualTo("cloudtrail: missing required field eventTime");
    assertThat(rejected(ROOT_LOGIN.replace("\"eventName\":\"ConsoleLogin\",", "")).reason())
        .isEqualTo("cloudtrail: missing required field eventName");
    assertThat(rejected(ROOT_LOGIN.replace("\"eventSource\":\"signin.amazonaws.com\",", "")).reason())
        .isEqualTo("cloudtrail: missing required field eventSource");
    NormalizeResult.Rejected badTime = rejected(ROOT_LOGIN.replace("2024-05-01T12:06:00Z", "..."));
    assertThat(badTime.reason()).isEqualTo("cloudtrail: invalid timestamp in field eventTime: '...' (a placeholder, not a value)");
  }

  @Test
  void usesPantherEventTimeOnlyWhenEventTimeIsAbsent() {
    String panther = ROOT_LOGIN.replace("\"eventTime\":\"2024-05-01T12:06:00Z\",", "\"p_event_time\":\"2019-01-01 00:20:04.000Z\",");
    assertThat(normalized(panther).eventTime()).isEqualTo(Instant.parse("2019-01-01T00:20:04Z"));
    String both = ROOT_LOGIN.replace("}", ",\"p_event_time\":\"2019-01-01 00:20:04Z\"}");
    assertThat(normalized(both).eventTime()).isEqualTo(Instant.parse("2024-05-01T12:06:00Z"));
  }

  @Test
  void readsEveryRecordOfALogFileAndRejectsOnlyTheBadOne() {
    String file = "{\"Records\":[" + ROOT_LOGIN + "," + ROOT_LOGIN.replace("\"eventName\":\"ConsoleLogin\",", "")
        + "," + ASSUMED_ROLE_CALL + "]}";
    List<NormalizeResult> r = all(file);
    assertThat(r).hasSize(3);
    assertThat(((NormalizeResult.Normalized) r.get(0)).origin()).isEqualTo("in.jsonl:7#0");
    NormalizeResult.Rejected bad = (NormalizeResult.Rejected) r.get(1);
    assertThat(bad.field()).isEqualTo("Records[1].eventName");
    assertThat(bad.reason()).isEqualTo("Records[1]: cloudtrail: missing required field eventName");
    assertThat(bad.line()).isEqualTo(7);
    assertThat(bad.rawText()).startsWith("{\"eventVersion\":\"1.08\"").doesNotContain("Records");
    assertThat(((NormalizeResult.Normalized) r.get(2)).origin()).isEqualTo("in.jsonl:7#2");
  }

  @Test
  void unwrapsEventBridgeEnvelopes() {
    String envelope = "{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"AWS Console Sign In via CloudTrail\","
        + "\"source\":\"aws.signin\",\"account\":\"111122223333\",\"time\":\"2024-05-01T12:06:00Z\","
        + "\"region\":\"us-east-1\",\"resources\":[],\"detail\":" + ROOT_LOGIN + "}";
    CloudTrailEvent e = (CloudTrailEvent) normalized(envelope).value();
    assertThat(e.getEventName()).isEqualTo("ConsoleLogin");
    assertThat(e.getRecord()).startsWith("{\"eventVersion\"");
    String noAccount = ROOT_LOGIN.replace("\"recipientAccountId\":\"111122223333\"", "\"x\":1")
        .replace("\"accountId\":\"111122223333\",", "").replace("arn:aws:iam::111122223333:root", "root");
    assertThat(normalized(envelope.replace(ROOT_LOGIN, noAccount)).key()).as("envelope account").isEqualTo("111122223333");
    assertThat(normalized(envelope.replace("AWS Console Sign In via CloudTrail", "AWS Service Event via CloudTrail")).topic())
        .isEqualTo(Topics.CLOUDTRAIL_EVENTS);
  }

  @Test
  void rejectsEmptyOrPlaceholderEnvelopesWithAClearReason() {
    String empty = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.iam\",\"detail\":{}}";
    NormalizeResult.Rejected r = rejected(empty);
    assertThat(r.field()).isEqualTo("detail");
    assertThat(r.reason()).isEqualTo("eventbridge: envelope 'AWS API Call via CloudTrail' has an empty detail: it carries no event");
    NormalizeResult.Rejected notRecord = rejected(empty.replace("{}", "{\"foo\":1}"));
    assertThat(notRecord.reason()).contains("is not a CloudTrail record (fields: foo)");
    NormalizeResult.Rejected placeholder = rejected(empty.replace("{}", ROOT_LOGIN.replace("2024-05-01T12:06:00Z", "...")));
    assertThat(placeholder.field()).isEqualTo("detail.eventTime");
    assertThat(placeholder.reason()).startsWith("detail: cloudtrail: invalid timestamp in field eventTime: '...'");
    NormalizeResult.Rejected pattern = rejected("{\"source\":[\"aws.signin\"],\"detail-type\":[\"AWS Console Sign In via CloudTrail\"]}");
    assertThat(pattern.reason()).contains("rule pattern");
    NormalizeResult.Rejected unsupported = rejected("{\"detail-type\":\"EC2 Instance State-change Notification\",\"detail\":{\"state\":\"running\"}}");
    assertThat(unsupported.field()).isEqualTo("detail-type");
    assertThat(unsupported.reason()).startsWith("eventbridge: unsupported detail-type 'EC2 Instance State-change Notification'");
  }

  @Test
  void yieldsTheEmbeddedRecordsOfALookupEventsResponse() throws Exception {
    String embedded = Json.MAPPER.writeValueAsString(ROOT_LOGIN.replace("\n", ""));
    String response = "{\"Events\":[{\"EventId\":\"3fcfb182-98f8-4744-bd45-10a395ab61cb\",\"EventName\":\"ConsoleLogin\","
        + "\"EventTime\":1714565160.0,\"CloudTrailEvent\":" + embedded + "},"
        + "{\"EventId\":\"x\",\"CloudTrailEvent\":\"{not json\"},{\"EventId\":\"y\"}]}";
    List<NormalizeResult> r = all(response);
    assertThat(r).hasSize(3);
    CloudTrailEvent e = (CloudTrailEvent) ((NormalizeResult.Normalized) r.get(0)).value();
    assertThat(e.getEventID()).isEqualTo("3fcfb182-98f8-4744-bd45-10a395ab61cb");
    assertThat(e.getOrigin()).isEqualTo("in.jsonl:7#0");
    NormalizeResult.Rejected notJson = (NormalizeResult.Rejected) r.get(1);
    assertThat(notJson.field()).isEqualTo("Events[1].CloudTrailEvent");
    assertThat(notJson.reason()).startsWith("Events[1]: lookupevents: field CloudTrailEvent is not valid JSON");
    assertThat(((NormalizeResult.Rejected) r.get(2)).reason())
        .isEqualTo("Events[2]: lookupevents: missing required field CloudTrailEvent");
  }

  @Test
  void skipsDigestFiles() {
    String digest = """
        {"awsAccountId":"111122223333","digestStartTime":"2015-08-17T14:01:31Z","digestEndTime":"2015-08-17T15:01:31Z",
         "digestS3Bucket":"b","digestS3Object":"o","logFiles":[],"previousDigestSignature":"abc"}""";
    List<NormalizeResult> r = all(digest);
    assertThat(r).containsExactly(new NormalizeResult.Skipped(NormalizeResult.Skipped.CLOUDTRAIL_DIGEST, "in.jsonl:7"));
  }

  @Test
  void rejectsUnrecognizedInputListingItsFields() {
    NormalizeResult.Rejected r = rejected("{\"event\":{\"eventName\":\"ConsoleLogin\"},\"source_repo\":\"x/y\",\"format\":\"f\"}");
    assertThat(r.reason()).isEqualTo("unrecognized input: not a gateway event, CloudTrail record or GuardDuty finding"
        + " (fields: event, source_repo, format)");
    assertThat(r.field()).isNull();
    assertThat(rejected("{}").reason()).endsWith("(fields: none)");
    assertThat(rejected("42").reason()).isEqualTo("not a JSON object: got number '42'");
  }
}
