package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.rootUsageFinding;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import org.junit.jupiter.api.Test;

/** CONFLICTING_DUPLICATE end to end: same {@code eventID}, different content. */
class ConflictingDuplicateTest {
  @Test
  void aRootSignInReusingTheIdOfABenignRecordIsStillRootActivity() {
    CloudTrailEvent benign = userCall("ct-dup", ACCOUNT, at(0), "DescribeInstances");
    CloudTrailEvent root = CloudTrailEvent.newBuilder(rootLogin("ct-dup", ACCOUNT, at(1), "No", true)).build();

    ReplayResult r = Scenario.create().then(benign, root).tick(at(20)).run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType())
        .containsExactlyInAnyOrder("CONFLICTING_DUPLICATE", "UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA");
    assertThat(Scenario.alertsOf(r, "CONFLICTING_DUPLICATE")).singleElement().satisfies(a -> {
      assertThat(a.getSeverity()).isEqualTo("high");
      assertThat(a.getActions()).containsExactly("notify");
      assertThat(a.getEvidence()).containsExactly("ct-dup");
      assertThat(a.getCorrelationId()).isEqualTo("account:" + ACCOUNT);
    });
    assertThat(r.timeline()).filteredOn(e -> "ct-dup".equals(e.getEventId())).extracting(TimelineEntry::getEntryId)
        .hasSize(2).doesNotHaveDuplicates().contains("cloudtrail:ct-dup");
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void aRootRecordFollowedByAnotherContentWithItsIdKeepsBoth() {
    CloudTrailEvent root = rootLogin("ct-dup2", ACCOUNT, at(0), "No", true);
    CloudTrailEvent other = userCall("ct-dup2", ACCOUNT, at(0), "DescribeInstances");

    ReplayResult r = Scenario.create().then(root, other).tick(at(20)).run();

    assertThat(Scenario.alertsOf(r, "CONFLICTING_DUPLICATE")).hasSize(1);
    assertThat(Scenario.alertsOf(r, "UNAUTHORIZED_ROOT_USE")).hasSize(1);
    assertThat(r.timeline()).filteredOn(e -> "ct-dup2".equals(e.getEventId())).hasSize(2);
  }

  @Test
  void anIdenticalCopyReadFromAnotherFileIsReDeliveryAndRaisesNothing() {
    CloudTrailEvent root = rootLogin("ct-copy", ACCOUNT, at(0), "Yes", true);
    CloudTrailEvent copy = CloudTrailEvent.newBuilder(root).setOrigin("other.json:7").build();
    CloudTrailEvent benign = userCall("ct-copy2", ACCOUNT, at(1), "DescribeInstances");

    ReplayResult r = Scenario.create().then(root, copy, benign, benign).tick(at(20)).run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType()).containsExactly("UNAUTHORIZED_ROOT_USE");
    assertThat(r.timeline()).filteredOn(e -> e.getEventId() != null && e.getEventId().startsWith("ct-copy"))
        .hasSize(2);
  }

  @Test
  void aFindingVersionWithOtherContentIsAConflictAndAnUpdatedVersionIsNot() {
    GuardDutyFinding first = rootUsageFinding("gd-1", ACCOUNT, at(0), true);
    GuardDutyFinding altered = GuardDutyFinding.newBuilder(first).setRemoteIp("203.0.113.9").build();
    GuardDutyFinding updated = GuardDutyFinding.newBuilder(first).setUpdatedAt(at(30)).build();
    GuardDutyFinding copy = GuardDutyFinding.newBuilder(first).setOrigin("export.json:3").build();

    ReplayResult r = Scenario.create().then(first, copy, altered, updated).tick(at(40)).run();

    assertThat(r.alerts()).extracting(a -> a.getAlertType()).containsExactly("CONFLICTING_DUPLICATE");
    assertThat(r.alerts().get(0).getEvidence()).containsExactly("gd-1");
    assertThat(r.timeline()).filteredOn(e -> "gd-1".equals(e.getEventId())).hasSize(3);
  }
}
