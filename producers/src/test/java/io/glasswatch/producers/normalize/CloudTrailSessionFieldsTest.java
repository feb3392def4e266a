package io.glasswatch.producers.normalize;

import static io.glasswatch.producers.normalize.Results.normalized;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The session fields of SPEC 1.6 (userIdentity element:
 * docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html; STS
 * records: docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html).
 */
class CloudTrailSessionFieldsTest {
  static final String KMS_DECRYPT = """
      {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:priya@example.com",
        "arn":"arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_BreakGlassAdmin_4f2c9e1a7b3d5c60/priya@example.com",
        "accountId":"210987654321","accessKeyId":"ASIA4EXAMPLEPRIYA01",
        "sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE",
          "arn":"arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_BreakGlassAdmin_4f2c9e1a7b3d5c60",
          "accountId":"210987654321","userName":"AWSReservedSSO_BreakGlassAdmin_4f2c9e1a7b3d5c60"},
          "attributes":{"creationDate":"2024-05-06T10:06:10Z","mfaAuthenticated":"false"},
          "sourceIdentity":"priya@example.com"}},
       "eventTime":"2024-05-06T10:09:00Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt",
       "awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.44","userAgent":"aws-cli/2.15.30",
       "requestParameters":{"encryptionAlgorithm":"SYMMETRIC_DEFAULT"},"responseElements":null,
       "resources":[{"accountId":"210987654321","type":"AWS::KMS::Key",
         "ARN":"arn:aws:kms:eu-west-1:210987654321:key/8e2f1c4a-93d7-4b6e-a1f0-5c2d7e9b3a14"}],
       "eventID":"0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6","readOnly":true,"eventType":"AwsApiCall",
       "recipientAccountId":"210987654321"}""";

  static final String ASSUME_ROLE = """
      {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
        "arn":"arn:aws:iam::210987654321:user/ops-automation","accountId":"210987654321",
        "accessKeyId":"AKIAEXAMPLE","userName":"ops-automation"},
       "eventTime":"2024-05-06T10:40:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole",
       "awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.30",
       "requestParameters":{"roleArn":"arn:aws:iam::210987654321:role/break-glass-emergency",
         "roleSessionName":"oncall-jordan","durationSeconds":900,"sourceIdentity":"jordan@example.com"},
       "responseElements":{"credentials":{"accessKeyId":"ASIA4EXAMPLEJORDAN1",
         "sessionToken":"IQoJb3JpZ2luX2VjEXAMPLESECRET","expiration":"May 6, 2024, 10:55:00 AM"},
         "assumedRoleUser":{"assumedRoleId":"AROAEXAMPLE:oncall-jordan",
           "arn":"arn:aws:sts::210987654321:assumed-role/break-glass-emergency/oncall-jordan"},
         "sourceIdentity":"jordan@example.com"},
       "eventID":"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","readOnly":true,"eventType":"AwsApiCall",
       "recipientAccountId":"210987654321"}""";

  @Test
  void readsTheSessionIssuerCreationDateAndSourceIdentity() {
    CloudTrailEvent e = (CloudTrailEvent) normalized(KMS_DECRYPT).value();
    assertThat(e.getSessionIssuerArn()).endsWith(":role/aws-reserved/sso.amazonaws.com/eu-west-1/"
        + "AWSReservedSSO_BreakGlassAdmin_4f2c9e1a7b3d5c60");
    assertThat(e.getSessionCreationDate()).isEqualTo(Instant.parse("2024-05-06T10:06:10Z"));
    assertThat(e.getSourceIdentity()).isEqualTo("priya@example.com");
    assertThat(e.getAccessKeyId()).isEqualTo("ASIA4EXAMPLEPRIYA01");
    assertThat(e.getValidationErrors()).isEmpty();
  }

  @Test
  void neverKeepsTheSessionTokenOfAnStsResponse() {
    CloudTrailEvent e = (CloudTrailEvent) normalized(ASSUME_ROLE).value();
    assertThat(e.getResponseElementsJson()).contains("ASIA4EXAMPLEJORDAN1").contains("May 6, 2024, 10:55:00 AM")
        .doesNotContain("IQoJb3JpZ2luX2VjEXAMPLESECRET");
    assertThat(e.getRecord()).contains("oncall-jordan").doesNotContain("IQoJb3JpZ2luX2VjEXAMPLESECRET");
    assertThat(e.getRequestParametersJson()).contains("\"durationSeconds\":900");
  }

  @Test
  void anUnreadableCreationDateIsReportedAndReadsAsUnknown() {
    CloudTrailEvent e = (CloudTrailEvent) normalized(KMS_DECRYPT.replace("\"2024-05-06T10:06:10Z\"", "\"yesterday\""))
        .value();
    assertThat(e.getSessionCreationDate()).isNull();
    assertThat(e.getValidationErrors()).anyMatch(p -> p.startsWith("userIdentity.sessionContext.attributes.creationDate"));
  }

  @Test
  void longTermCredentialsHaveNoSessionFields() {
    CloudTrailEvent e = (CloudTrailEvent) normalized(ASSUME_ROLE).value();
    assertThat(e.getSessionIssuerArn()).isNull();
    assertThat(e.getSessionCreationDate()).isNull();
    assertThat(e.getSourceIdentity()).isNull();
  }
}
