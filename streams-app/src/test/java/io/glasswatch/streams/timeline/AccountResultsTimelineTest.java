package io.glasswatch.streams.timeline;

import static io.glasswatch.streams.testing.Chains.assertChainsVerify;
import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.testing.Driver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revoke results of no request with an {@code account:<id>} correlation (the containment service's progress
 * records for an EMERGENCY_ROLE_WITHOUT_REQUEST) join the account's hash chain, which stage B keeps, after the
 * account's CloudTrail entries, instead of starting a second chain with the same sequence numbers.
 */
class AccountResultsTimelineTest {
  private static final String ACCOUNT_CORRELATION = "account:" + ACCOUNT;

  @TempDir Path stateDir;

  private static RevokeResult progress(String commandId, String correlationId, String requestId, int seq, String step) {
    Instant t = Instant.parse("2026-12-07T05:08:13Z").plusSeconds(seq);
    return RevokeResult.newBuilder().setCommandId(commandId).setCorrelationId(correlationId).setRequestId(requestId)
        .setAlertId("alert-1").setTrigger("alert").setOutcome("IN_PROGRESS").setCommandIssuedAt(at(2))
        .setStartedAt(t).setCompletedAt(t).setStep(step).setStepSeq(seq)
        .setMessage("Containment of role break-glass-emergency: " + step).build();
  }

  @Test
  void anAccountCorrelationsContainmentStepsContinueTheAccountsChain() {
    try (Driver d = new Driver(stateDir)) {
      d.gateway().pipeInput("req-x", request("req-x", "alice", ACCOUNT, "jit", at(0)), at(0));
      d.cloudTrail().pipeInput(ACCOUNT, userCall("ct-a1", ACCOUNT, at(1), "DescribeInstances"), at(1));
      d.cloudTrail().pipeInput(ACCOUNT, userCall("ct-a2", ACCOUNT, at(2), "Decrypt"), at(2));
      TestInputTopic<String, RevokeResult> results = d.driver().createInputTopic(Topics.REVOKE_RESULTS,
          new StringSerializer(), AvroSerdes.embedded().value(RevokeResult.class).serializer());
      String command = "contain:alert-1:break-glass-emergency";
      results.pipeInput(command + "/1", progress(command, ACCOUNT_CORRELATION, null, 1, "contain_received"), at(2));
      results.pipeInput(command + "/2", progress(command, ACCOUNT_CORRELATION, null, 2, "contain_contained"), at(2));
      // a request's result still goes to the request's chain
      results.pipeInput("contain:r/1", progress("contain:r", "req-x", "req-x", 1, "contain_received"), at(2));

      List<TimelineEntry> timeline = d.timeline().readValuesToList();

      assertChainsVerify(timeline);
      List<TimelineEntry> account = timeline.stream().filter(e -> ACCOUNT_CORRELATION.equals(e.getCorrelationId()))
          .toList();
      assertThat(account).extracting(TimelineEntry::getSequence).containsExactly(1L, 2L, 3L, 4L);
      assertThat(account).extracting(TimelineEntry::getEntryId).element(0).isEqualTo("cloudtrail:ct-a1");
      assertThat(account.subList(2, 4)).allSatisfy(e -> assertThat(e.getEntryId()).startsWith("revoke:" + command));
      assertThat(timeline).filteredOn(e -> "req-x".equals(e.getCorrelationId()))
          .extracting(TimelineEntry::getEntryId).anyMatch(id -> id.startsWith("revoke:contain:r"));
    }
  }
}
