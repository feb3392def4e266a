package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.producers.input.InputReader;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The AWS wire-format samples shared by the project ({@code aws-samples/}, see its README for the
 * source of each body): the CloudTrail and GuardDuty responses normalize; request bodies and other
 * API answers are not events and are rejected as unrecognized, never misread.
 */
class AwsSamplesTest {
  private final InputReader reader = new InputReader();

  static Path samples() {
    Path dir = Path.of(System.getProperty("glasswatch.aws-samples.dir", "../../shared/aws-samples"));
    assertThat(dir.resolve("README.md")).as("the shared AWS samples (set -Dglasswatch.aws-samples.dir)").exists();
    return dir;
  }

  private List<NormalizeResult> read(String name) {
    return reader.readAll(List.of(samples().resolve(name)));
  }

  @Test
  void lookupEventsResponseYieldsItsEmbeddedConsoleLogin() {
    List<NormalizeResult> r = read("cloudtrail-LookupEvents.response.json");
    assertThat(r).hasSize(1);
    NormalizeResult.Normalized n = (NormalizeResult.Normalized) r.get(0);
    assertThat(n.topic()).isEqualTo(Topics.CLOUDTRAIL_EVENTS);
    assertThat(n.key()).isEqualTo("123456789012");
    assertThat(n.origin()).endsWith("cloudtrail-LookupEvents.response.json:1#0");
    CloudTrailEvent e = (CloudTrailEvent) n.value();
    assertThat(e.getEventID()).isEqualTo("654ccbc0-ba0d-486a-9076-dbf7274677a7");
    assertThat(e.getEventName()).isEqualTo("ConsoleLogin");
    assertThat(e.getEventTime()).as("the record's eventTime, not the envelope's EventTime")
        .isEqualTo(Instant.parse("2016-01-26T21:42:12Z"));
    assertThat(e.getUserIdentityType()).isEqualTo("AssumedRole");
    assertThat(e.getUserName()).isEqualTo("my-role");
    assertThat(e.getMfaUsed()).isEqualTo("NO");
    assertThat(e.getMfaAuthenticated()).isFalse();
    assertThat(e.getConsoleLogin()).isEqualTo("Success");
  }

  @Test
  void getFindingsResponsesYieldTheirFindings() {
    GuardDutyFinding root = (GuardDutyFinding) ((NormalizeResult.Normalized) read("guardduty-GetFindings.response.json")
        .get(0)).value();
    assertThat(root.getType()).isEqualTo("Policy:IAMUser/RootCredentialUsage");
    assertThat(root.getAccountId()).isEqualTo("111122223333");
    assertThat(root.getAccessKeyUserType()).isEqualTo("Root");
    assertThat(root.getApi()).isEqualTo("ListPolicyVersions");
    assertThat(root.getEventLastSeen()).isEqualTo(Instant.parse("2020-05-26T22:33:55Z"));
    assertThat(root.getSeverity()).isEqualTo(2.0);
    assertThat(root.getSample()).isFalse();
    List<NormalizeResult> recon = read("guardduty-GetFindings.recon-doc-example.response.json");
    assertThat(recon).singleElement().isInstanceOfSatisfying(NormalizeResult.Normalized.class, n ->
        assertThat(((GuardDutyFinding) n.value()).getType()).isEqualTo("Recon:IAMUser/UserPermissions"));
  }

  @Test
  void everyOtherSampleIsRejectedAsUnrecognized() throws IOException {
    List<Path> others;
    try (Stream<Path> files = Files.list(samples())) {
      others = files.filter(p -> p.toString().endsWith(".json"))
          .filter(p -> !p.getFileName().toString().matches("cloudtrail-LookupEvents\\.response\\.json|guardduty-GetFindings\\..*response\\.json"))
          .sorted().toList();
    }
    assertThat(others).hasSize(13);
    for (Path p : others) {
      assertThat(reader.readAll(List.of(p))).as("%s", p.getFileName()).singleElement()
          .isInstanceOfSatisfying(NormalizeResult.Rejected.class, r -> {
            assertThat(r.reason()).startsWith("unrecognized input: not a gateway event, CloudTrail record or GuardDuty finding");
            assertThat(r.line()).isEqualTo(1);
          });
    }
  }
}
