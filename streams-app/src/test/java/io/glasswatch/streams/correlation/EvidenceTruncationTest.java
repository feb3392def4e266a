package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.rootCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Capped evidence lists say that they are truncated and how many ids were left out. */
class EvidenceTruncationTest {
  private static List<CloudTrailEvent> calls(int n) {
    List<CloudTrailEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(rootCall(String.format("ct-t%03d", i), ACCOUNT, at(i * 0.005), "ec2.amazonaws.com", "DescribeInstances",
          null, null));
    }
    return out;
  }

  @Test
  void aSessionOfMoreThanAHundredRecordsSaysHowManyIdsItLeavesOut() {
    ReplayResult r = Scenario.create().then(calls(130).toArray(CloudTrailEvent[]::new)).tick(at(25 * 60)).run();

    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).singleElement().satisfies(a -> {
      assertThat(a.getEvidence()).hasSize(AccountState.MAX_EVIDENCE);
      assertThat(a.getSummary()).contains("Evidence truncated", "first 100 event ids, 30 more were left out");
    });
    assertThat(Scenario.alertsOf(r, "ROTATION_OVERDUE")).singleElement().satisfies(a -> {
      assertThat(a.getEvidence()).hasSize(AccountState.MAX_EVIDENCE);
      assertThat(a.getSummary()).contains("30 more were left out");
    });
  }

  @Test
  void aSessionOfAHundredRecordsIsComplete() {
    ReplayResult r = Scenario.create().then(calls(100).toArray(CloudTrailEvent[]::new)).tick(at(25 * 60)).run();

    assertThat(r.alerts()).isNotEmpty().allSatisfy(a -> assertThat(a.getSummary()).doesNotContain("truncated"));
  }
}
