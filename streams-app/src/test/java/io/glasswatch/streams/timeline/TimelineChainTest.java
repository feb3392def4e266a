package io.glasswatch.streams.timeline;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootCall;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.usage;
import static io.glasswatch.streams.testing.Events.userCall;
import static io.glasswatch.streams.testing.Chains.assertChainsVerify;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineChainTest {
  private static ReplayResult busyScenario() {
    return Scenario.create()
        .then(request("req-t", "alice", ACCOUNT, "root", at(0)),
            approval("req-t", "bob", "incident_command", at(1)),
            grant("req-t", "raw-token-value-123", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            rootLogin("ct-t1", ACCOUNT, at(3), "No", true),
            usage("req-t", "raw-token-value-123", "alice", "allow", at(4)),
            usage("req-t", "raw-token-value-123", "alice", "allow", at(5)),
            userCall("ct-t2", ACCOUNT, at(6), "DescribeInstances"),
            rootCall("ct-t3", ACCOUNT, at(50), "s3.amazonaws.com", "ListBuckets", null, null))
        .tick(at(60))
        .run();
  }

  @Test
  void everyCorrelationFormsAVerifiableHashChain() {
    ReplayResult r = busyScenario();

    assertThat(r.timeline()).extracting(TimelineEntry::getCorrelationId).contains("req-t", "account:" + ACCOUNT);
    assertChainsVerify(r.timeline());
  }

  @Test
  void editingAnEntryBreaksTheChain() {
    List<TimelineEntry> timeline = new ArrayList<>(busyScenario().timeline());
    TimelineEntry second = timeline.stream().filter(e -> e.getCorrelationId().equals("req-t") && e.getSequence() == 2)
        .findFirst().orElseThrow();
    second.setMessage("nothing happened here");

    assertThat(Hashing.timelineHash(second)).isNotEqualTo(second.getHash());
  }

  @Test
  void entriesCarryDeterministicIdsAndEcsFieldsButNoRawToken() {
    ReplayResult r = busyScenario();

    assertThat(r.timeline()).extracting(TimelineEntry::getEntryId).contains(
        "gateway:req-t/request/1", "gateway:req-t/approval/1", "gateway:req-t/grant/1", "gateway:req-t/usage/1",
        "gateway:req-t/usage/2", "cloudtrail:ct-t1", "cloudtrail:ct-t2", "cloudtrail:ct-t3");
    assertThat(r.timeline()).extracting(TimelineEntry::getEntryId).doesNotHaveDuplicates();
    assertThat(r.timeline()).allSatisfy(e -> {
      assertThat(e.toString()).doesNotContain("raw-token-value-123");
      assertThat(e.getOutcome()).isIn("success", "failure", "unknown");
      assertThat(e.getMessage()).isNotBlank();
    });

    TimelineEntry approvalEntry = Scenario.entry(r, "gateway:req-t/approval/1");
    assertThat(approvalEntry.getUserName()).isEqualTo("bob");
    assertThat(approvalEntry.getKind()).isEqualTo("event");
    assertThat(approvalEntry.getSource()).isEqualTo("gateway");
    assertThat(approvalEntry.getAction()).isEqualTo("approval");
    assertThat(approvalEntry.getEventId()).isEqualTo("req-t/approval/1");
    TimelineEntry usageEntry = Scenario.entry(r, "gateway:req-t/usage/1");
    assertThat(usageEntry.getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint("raw-token-value-123"));
    assertThat(usageEntry.getUserName()).isEqualTo("alice");
    assertThat(usageEntry.getOutcome()).isEqualTo("success");
    assertThat(usageEntry.getAccountId()).isEqualTo(ACCOUNT);

    TimelineEntry login = Scenario.entry(r, "cloudtrail:ct-t1");
    assertThat(login.getCorrelationId()).isEqualTo("req-t");
    assertThat(login.getSourceIp()).isEqualTo("198.51.100.7");
    assertThat(login.getUserAgent()).isEqualTo("Mozilla/5.0");
    assertThat(login.getAccountId()).isEqualTo(ACCOUNT);
    assertThat(login.getDetails()).contains("\"rootActivity\":true", "\"mfaUsed\":\"No\"");
    assertThat(login.getTimestamp()).isEqualTo(at(3));
  }

  @Test
  void chainingIsAPureFunctionOfEntryAndHead() {
    TimelineEntry e = new TimelineDraft("x:1", 1000L, ACCOUNT, "gateway", "event", "request", "unknown", "alice", null,
        null, "m", "r/request/1", null, null, null, null, null).toEntry("r", "r");
    TimelineEntry first = TimelineChainer.chain(e, null);
    TimelineEntry second = TimelineChainer.chain(e, new TimelineChainer.ChainHead(1, first.getHash()));

    assertThat(first.getSequence()).isEqualTo(1);
    assertThat(first.getPrevHash()).isNull();
    assertThat(second.getSequence()).isEqualTo(2);
    assertThat(second.getPrevHash()).isEqualTo(first.getHash());
    assertThat(second.getHash()).isNotEqualTo(first.getHash()).isEqualTo(Hashing.timelineHash(second));
  }

  @Test
  void chainHeadsRoundTripThroughTheirBinaryForm() {
    var serde = TimelineChainer.headSerde();
    var head = new TimelineChainer.ChainHead(1_234_567_890_123L, Hashing.sha256Hex("x"));

    byte[] bytes = serde.serializer().serialize("t", head);

    assertThat(bytes).hasSize(8 + 64);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(head);
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void accountChainsAndRequestChainsContinueAcrossLaterRecords() {
    ReplayResult r = Scenario.create()
        .then(userCall("ct-a1", ACCOUNT, at(0), "DescribeInstances"),
            request("req-u", "alice", ACCOUNT, "jit", at(1)),
            userCall("ct-a2", ACCOUNT, at(2), "ListBuckets"),
            approval("req-u", "bob", "incident_command", at(3)),
            userCall("ct-a3", ACCOUNT, at(4), "GetObject"))
        .tick(at(60))
        .run();

    assertThat(r.timeline()).filteredOn(e -> e.getCorrelationId().equals("account:" + ACCOUNT))
        .extracting(TimelineEntry::getEntryId, TimelineEntry::getSequence)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("cloudtrail:ct-a1", 1L),
            org.assertj.core.groups.Tuple.tuple("cloudtrail:ct-a2", 2L),
            org.assertj.core.groups.Tuple.tuple("cloudtrail:ct-a3", 3L));
    assertChainsVerify(r.timeline());
  }
}
