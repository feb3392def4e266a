package io.glasswatch.producers.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.SourceRef;
import io.glasswatch.schema.GuardDutyFinding;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.guardduty.model.AccessKeyDetails;
import software.amazon.awssdk.services.guardduty.model.Finding;
import software.amazon.awssdk.services.guardduty.model.Resource;
import software.amazon.awssdk.services.guardduty.model.Service;

class SdkJsonTest {
  @Test
  void aFindingFromTheSdkReadsAsTheApisCamelCaseJsonAndNormalizes() {
    Finding f = Finding.builder().id("f-1").type("Policy:IAMUser/RootCredentialUsage").accountId("111122223333")
        .region("us-east-1").severity(2.0).schemaVersion("2.0").arn("arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f-1")
        .createdAt("2020-05-26T22:21:48.385Z").updatedAt("2020-05-26T22:55:21.703Z").title("t").description("d")
        .resource(Resource.builder().resourceType("AccessKey")
            .accessKeyDetails(AccessKeyDetails.builder().userType("Root").userName("Root").build()).build())
        .service(Service.builder().count(1).eventFirstSeen("2020-05-26T22:02:24Z").eventLastSeen("2020-05-26T22:33:55Z")
            .serviceName("guardduty").build())
        .build();

    JsonNode json = SdkJson.toJson(f);

    assertThat(json.get("accountId").asText()).isEqualTo("111122223333");
    assertThat(json.at("/service/eventLastSeen").asText()).isEqualTo("2020-05-26T22:33:55Z");
    assertThat(json.at("/resource/accessKeyDetails/userType").asText()).isEqualTo("Root");
    assertThat(json.has("partition")).isFalse();
    var results = new Normalizer().normalize(json, SourceRef.of("guardduty:test", 1), null);
    assertThat(results).singleElement().isInstanceOf(NormalizeResult.Normalized.class);
    GuardDutyFinding g = (GuardDutyFinding) ((NormalizeResult.Normalized) results.getFirst()).value();
    assertThat(g.getId().toString()).isEqualTo("f-1");
  }
}
