package io.glasswatch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.input.EventTimeExtractor;
import io.glasswatch.streams.replay.InputRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private static long time(InputRecord r) {
    return EventTimeExtractor.eventTime(r.value()).toEpochMilli();
  }

  @Test
  void theSameSeedGivesTheSameRecords() {
    List<InputRecord> a = new Workload(Workload.Options.defaults()).next(5_000);
    List<InputRecord> b = new Workload(Workload.Options.defaults()).next(5_000);
    List<InputRecord> c = new Workload(Workload.Options.defaults().withSeed(7)).next(5_000);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void recordsComeInEventTimeOrderWithOnePercentBreakGlass() {
    Workload w = new Workload(Workload.Options.defaults());
    List<InputRecord> records = w.next(200_000);
    for (int i = 1; i < records.size(); i++) {
      assertThat(time(records.get(i))).as("record %d", i).isGreaterThanOrEqualTo(time(records.get(i - 1)));
    }
    assertThat(w.backgroundCount() + w.lifecycleCount()).isEqualTo(200_000);
    assertThat((double) w.lifecycleCount() / 200_000).isBetween(0.008, 0.012);
    long rootBackground = records.stream().filter(r -> r.value() instanceof CloudTrailEvent c
        && !c.getEventID().isEmpty() && "Root".equals(c.getUserIdentityType())).count();
    Map<String, Long> gatewayTypes = new TreeMap<>();
    records.stream().filter(r -> r.value() instanceof GatewayEvent).forEach(r ->
        gatewayTypes.merge(((GatewayEvent) r.value()).getType(), 1L, Long::sum));
    assertThat(gatewayTypes).containsKeys("request", "approval", "grant", "usage", "expiry", "rotation");
    // stationary: every phase of a lifecycle about as frequent as in whole lifecycles
    assertThat((double) gatewayTypes.get("approval") / gatewayTypes.get("request")).isBetween(1.8, 2.2);
    assertThat((double) gatewayTypes.get("expiry") / gatewayTypes.get("request")).isBetween(0.8, 1.2);
    assertThat(rootBackground).as("root CloudTrail only inside root lifecycles").isPositive()
        .isLessThan(w.lifecycleCount());
  }

  @Test
  void backgroundIsNonRootCloudTrailKeyedByAccount() {
    List<InputRecord> records = new Workload(Workload.Options.defaults().withAccounts(10)).next(2_000);
    List<String> accounts = List.of(Workload.accountIds(10));
    for (InputRecord r : records) {
      if (r.value() instanceof CloudTrailEvent c && !"Root".equals(c.getUserIdentityType())) {
        assertThat(r.topic()).isEqualTo(Topics.CLOUDTRAIL_EVENTS);
        assertThat(r.key()).isEqualTo(c.getRecipientAccountId()).isIn(accounts);
        assertThat(c.getRecord()).startsWith("{\"eventVersion\"").contains(c.getEventID()).hasSizeGreaterThan(600);
      }
      if (r.value() instanceof GatewayEvent g) {
        assertThat(r.key()).isEqualTo(g.getRequestId() != null ? g.getRequestId() : g.getAccountId());
        assertThat(g.getSourceDigest()).hasSize(64);
      }
    }
  }

  @Test
  void openRequestsAreGrantedWithAnAssignmentAndExpireLater() {
    Instant from = Instant.parse("2025-03-03T07:00:00Z");
    Instant expires = Instant.parse("2025-03-03T09:00:00Z");
    List<InputRecord> records = new ArrayList<>();
    Workload.openRequests(10, 3, from, expires, 2).forEachRemaining(records::add);
    assertThat(records).hasSize(12);
    assertThat(records).extracting(r -> ((GatewayEvent) r.value()).getType())
        .containsExactly("request", "approval", "approval", "grant", "request", "approval", "approval", "grant",
            "request", "approval", "approval", "grant");
    GatewayEvent grant = (GatewayEvent) records.get(3).value();
    assertThat(grant.getRequestId()).isEqualTo("OPEN-10");
    assertThat(grant.getExpiresAt()).isEqualTo(expires);
    assertThat(grant.getAssignment().getAccountId()).isEqualTo(Workload.accountIds(2)[0]);
    assertThat(time(records.get(11)) - time(records.get(0)))
        .isLessThan(Workload.openRequestsSpan(3).toMillis());
    List<InputRecord> expiries = new ArrayList<>();
    Workload.expiries(10, 3, expires).forEachRemaining(expiries::add);
    assertThat(expiries).extracting(InputRecord::key).containsExactly("OPEN-10", "OPEN-11", "OPEN-12");
  }

  @Test
  void thePreRollHoldsTheLifecycleRecordsBeforeTheStart() {
    Workload w = new Workload(Workload.Options.defaults());
    List<InputRecord> preRoll = w.preRoll();
    long start = Workload.Options.defaults().start().toEpochMilli();
    assertThat(preRoll).isNotEmpty().allSatisfy(r -> assertThat(time(r)).isLessThan(start));
    assertThat(time(preRoll.get(0))).isGreaterThanOrEqualTo(start - Workload.PRE_ROLL_MINUTES * 60_000L);
    assertThat(time(w.next())).isGreaterThanOrEqualTo(start);
  }

  @Test
  void drainingPlaysOutTheStartedLifecycles() {
    Workload w = new Workload(Workload.Options.defaults());
    w.next(50_000);
    List<InputRecord> rest = w.drainScheduled();
    assertThat(rest).isNotEmpty();
    for (int i = 1; i < rest.size(); i++) {
      assertThat(time(rest.get(i))).isGreaterThanOrEqualTo(time(rest.get(i - 1)));
    }
    assertThat(w.drainScheduled()).isEmpty();
  }

  @Test
  void optionsParseAndRejectBadArguments() {
    BenchmarkOptions o = BenchmarkOptions.parse("--events", "1000", "--open-requests", "500", "--state-steps", "100,500",
        "--broker", "--streams-config", "producer.linger.ms=5", "--seed", "9");
    assertThat(o.ttdEvents()).isEqualTo(1000);
    assertThat(o.brokerEvents()).isEqualTo(1000);
    assertThat(o.openRequests()).isEqualTo(500);
    assertThat(o.stateSteps()).containsExactly(100L, 500L);
    assertThat(o.broker()).isTrue();
    assertThat(o.streamsOverrides()).containsEntry("producer.linger.ms", "5");
    assertThat(o.workload().seed()).isEqualTo(9);
    assertThatThrownBy(() -> BenchmarkOptions.parse("--frobnicate")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown argument --frobnicate").hasMessageContaining("usage:");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--events")).isInstanceOf(IllegalArgumentException.class);
  }
}
