package io.glasswatch.streams.detection;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.rootCall;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.rootPasswordUpdated;
import static io.glasswatch.streams.testing.Events.rootUsageFinding;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.testing.Corpus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootActivityTest {
  @Test
  void rootActivityFollowsSpec12() {
    assertThat(RootActivity.isRoot(rootLogin("1", ACCOUNT, at(0), "YES", true))).isTrue();
    assertThat(RootActivity.isRoot(userCall("2", ACCOUNT, at(0), "RunInstances"))).isFalse();
    CloudTrailEvent invoked = CloudTrailEvent.newBuilder(rootCall("3", ACCOUNT, at(0), "iam.amazonaws.com", "X", null, null))
        .setInvokedBy("signin.amazonaws.com").build();
    assertThat(RootActivity.isRoot(invoked)).isFalse();
    CloudTrailEvent service = CloudTrailEvent.newBuilder(rootCall("4", ACCOUNT, at(0), "iam.amazonaws.com", "X", null, null))
        .setEventType("AwsServiceEvent").build();
    assertThat(RootActivity.isRoot(service)).isFalse();
  }

  @Test
  void failedCallsDoNotOpenASession() {
    assertThat(RootActivity.opensSession(rootLogin("1", ACCOUNT, at(0), "NO", false))).isFalse();
    CloudTrailEvent denied = CloudTrailEvent.newBuilder(rootCall("2", ACCOUNT, at(0), "cloudtrail.amazonaws.com",
        "StopLogging", null, null)).setErrorCode("AccessDenied").build();
    assertThat(RootActivity.opensSession(denied)).isFalse();
    assertThat(RootActivity.opensSession(rootCall("3", ACCOUNT, at(0), "s3.amazonaws.com", "ListBuckets", null, null)))
        .isTrue();
  }

  @Test
  void rootUseNeedsASuccessfulOutcome() {
    assertThat(RootActivity.isRootUse(rootLogin("1", ACCOUNT, at(0), "YES", true))).isTrue();
    CloudTrailEvent placeholder = CloudTrailEvent.newBuilder(rootLogin("2", ACCOUNT, at(0), "YES", true))
        .setConsoleLogin("...").build();
    assertThat(RootActivity.isRootUse(placeholder)).as("a sign-in of unknown outcome").isFalse();
    assertThat(RootActivity.isFailedRootLogin(placeholder)).isFalse();
    CloudTrailEvent failedPassword = CloudTrailEvent.newBuilder(rootPasswordUpdated("3", ACCOUNT, at(0)))
        .setResponseElementsJson("{\"PasswordUpdated\":\"Failure\"}").build();
    assertThat(RootActivity.failed(failedPassword)).isTrue();
    assertThat(RootActivity.isRootUse(failedPassword)).isFalse();
    CloudTrailEvent failedIdp = CloudTrailEvent.newBuilder(rootPasswordUpdated("4", ACCOUNT, at(0)))
        .setEventName("ExternalIdPDirectoryLogin").setResponseElementsJson("{\"ExternalIdPDirectoryLogin\":\"Failure\"}")
        .build();
    assertThat(RootActivity.isRootUse(failedIdp)).isFalse();
    CloudTrailEvent apiWithFailureText = rootCall("5", ACCOUNT, at(0), "s3.amazonaws.com", "PutBucketTagging", null,
        "{\"status\":\"Failure\"}");
    assertThat(RootActivity.failed(apiWithFailureText)).as("only sign-in records answer Failure").isFalse();
    CloudTrailEvent notJson = CloudTrailEvent.newBuilder(rootPasswordUpdated("6", ACCOUNT, at(0)))
        .setResponseElementsJson("not json").build();
    assertThat(RootActivity.failed(notJson)).isFalse();
  }

  @Test
  void failedRootSignInAndConsoleRootCalls() {
    assertThat(RootActivity.isFailedRootLogin(rootLogin("1", ACCOUNT, at(0), "NO", false))).isTrue();
    assertThat(RootActivity.isFailedRootLogin(rootLogin("2", ACCOUNT, at(0), "NO", true))).isFalse();
    CloudTrailEvent console = CloudTrailEvent.newBuilder(rootCall("3", ACCOUNT, at(0), "iam.amazonaws.com",
        "CreateAccessKey", null, null)).setInvokedBy("signin.amazonaws.com").build();
    assertThat(RootActivity.isConsoleRootCall(console)).isTrue();
    assertThat(RootActivity.isRootUse(console)).as("SPEC 1.2: invokedBy set").isFalse();
    assertThat(RootActivity.isSuccessfulRootCall(console)).isTrue();
    assertThat(RootActivity.isCredentialChange(console)).as("root's own key through the console").isTrue();
    CloudTrailEvent byService = CloudTrailEvent.newBuilder(console).setInvokedBy("sso.amazonaws.com").build();
    assertThat(RootActivity.isConsoleRootCall(byService)).isFalse();
    assertThat(RootActivity.isSuccessfulRootCall(byService)).isFalse();
    CloudTrailEvent consoleDenied = CloudTrailEvent.newBuilder(console).setErrorCode("AccessDenied").build();
    assertThat(RootActivity.isConsoleRootCall(consoleDenied)).isFalse();
  }

  @Test
  void loginWithoutMfaComparesCaseInsensitively() {
    assertThat(RootActivity.isLoginWithoutMfa(rootLogin("1", ACCOUNT, at(0), "No", true))).isTrue();
    assertThat(RootActivity.isLoginWithoutMfa(rootLogin("2", ACCOUNT, at(0), null, true))).isTrue();
    assertThat(RootActivity.isLoginWithoutMfa(rootLogin("3", ACCOUNT, at(0), "yes", true))).isFalse();
    assertThat(RootActivity.isLoginWithoutMfa(rootLogin("4", ACCOUNT, at(0), "No", false))).isFalse();
  }

  @Test
  void credentialChangesOfTheRootUserOnly() {
    assertThat(RootActivity.isCredentialChange(rootPasswordUpdated("1", ACCOUNT, at(0)))).isTrue();
    CloudTrailEvent failedPassword = CloudTrailEvent.newBuilder(rootPasswordUpdated("2", ACCOUNT, at(0)))
        .setResponseElementsJson("{\"PasswordUpdated\":\"Failure\"}").build();
    assertThat(RootActivity.isCredentialChange(failedPassword)).isFalse();
    assertThat(RootActivity.isCredentialChange(
        rootCall("3", ACCOUNT, at(0), "iam.amazonaws.com", "CreateAccessKey", null, null))).isTrue();
    assertThat(RootActivity.isCredentialChange(
        rootCall("4", ACCOUNT, at(0), "iam.amazonaws.com", "CreateAccessKey", "{\"userName\":\"tracy_stone\"}", null)))
        .as("a key for an IAM user is not a root credential").isFalse();
    assertThat(RootActivity.isCredentialChange(rootCall("5", ACCOUNT, at(0), "iam.amazonaws.com", "DeactivateMFADevice",
        "{\"userName\":\"AWS ROOT USER\",\"serialNumber\":\"arn:aws:iam::1:mfa/root-account-mfa-device\"}", null))).isTrue();
    assertThat(RootActivity.isCredentialChange(rootCall("6", ACCOUNT, at(0), "iam.amazonaws.com", "EnableMFADevice",
        "{\"userName\":\"bob\",\"serialNumber\":\"arn:aws:iam::1:mfa/bob\"}", null))).isFalse();
    assertThat(RootActivity.isCredentialChange(
        rootCall("7", ACCOUNT, at(0), "iam.amazonaws.com", "ChangePassword", null, null))).isTrue();
    assertThat(RootActivity.isCredentialChange(
        rootCall("8", ACCOUNT, at(0), "iam.amazonaws.com", "CreateUser", null, null))).isFalse();
  }

  @Test
  void awsDocumentationRootSamplesAreClassified() {
    List<CloudTrailEvent> docs = Corpus.events("aws-docs-samples.jsonl").stream()
        .filter(e -> "Root".equals(Corpus.field(e, "userIdentity").path("type").asText()))
        .filter(e -> e.has("eventName"))
        .map((JsonNode e) -> Corpus.cloudTrail(e, null, Instant.EPOCH, ACCOUNT))
        .toList();

    assertThat(docs).filteredOn(e -> e.getEventName().equals("PasswordUpdated"))
        .isNotEmpty().allSatisfy(e -> assertThat(RootActivity.isCredentialChange(e)).isTrue());
    assertThat(docs).filteredOn(e -> e.getEventName().equals("EnableMFADevice"))
        .isNotEmpty().allSatisfy(e -> assertThat(RootActivity.isCredentialChange(e)).isTrue());
    assertThat(docs).filteredOn(e -> e.getEventName().equals("ConsoleLogin") && "YES".equals(e.getMfaUsed()))
        .isNotEmpty().allSatisfy(e -> assertThat(RootActivity.isLoginWithoutMfa(e)).isFalse());
    assertThat(docs).filteredOn(e -> e.getEventName().equals("ConsoleLogin") && "NO".equals(e.getMfaUsed())
            && "Success".equals(e.getConsoleLogin()))
        .isNotEmpty().allSatisfy(e -> assertThat(RootActivity.isLoginWithoutMfa(e)).isTrue());
  }

  @Test
  void rootCredentialUsageFindingUnlessSample() {
    assertThat(RootActivity.isRootCredentialUsage(rootUsageFinding("1", ACCOUNT, at(0), false))).isTrue();
    assertThat(RootActivity.isRootCredentialUsage(rootUsageFinding("2", ACCOUNT, at(0), true))).isFalse();
  }
}
