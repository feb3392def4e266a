package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC section 5: a record read in part is kept in the timeline with the reason and judged from what can be read. */
class FailClosedTest {
  private static final String PROBLEM = "responseElements: expected an object, got string";

  @Test
  void aRootSignInReadInPartIsJudgedAndItsTimelineEntrySaysWhatCouldNotBeRead() {
    CloudTrailEvent partial = CloudTrailEvent.newBuilder(rootLogin("ct-p1", ACCOUNT, at(0), "No", true))
        .setValidationErrors(List.of(PROBLEM)).build();

    ReplayResult r = Scenario.create().then(partial).tick(at(10)).run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType())
        .containsExactly("UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA");
    assertThat(Scenario.entry(r, "cloudtrail:ct-p1")).satisfies(e -> {
      assertThat(e.getDetails()).contains(PROBLEM);
      assertThat(e.getMessage()).contains("read in part");
    });
  }

  @Test
  void aCleanRecordSaysNothingOfIt() {
    ReplayResult r = Scenario.create().then(userCall("ct-p2", ACCOUNT, at(0), "DescribeInstances")).tick(at(10)).run();

    assertThat(Scenario.entry(r, "cloudtrail:ct-p2")).satisfies(e -> {
      assertThat(e.getDetails()).doesNotContain("validationErrors");
      assertThat(e.getMessage()).doesNotContain("read in part");
    });
  }
}
