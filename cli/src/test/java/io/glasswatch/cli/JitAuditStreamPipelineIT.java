package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.cli.demo.TopicReader;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.aws.RateLimiter;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.jit.JitAuditStreamReader;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.NativeFormats;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import io.glasswatch.sinks.timeline.TimelineQueries;
import io.glasswatch.sinks.timeline.TimelineVerifier;
import io.glasswatch.testing.MotoJitTables;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JIT controller's {@code jit_audit} table read live, end to end, on the real servers: its real
 * PutItem bodies ({@code real-sources/jit-aws-controller/dynamodb-putitem-requests.jsonl}) written to
 * moto's DynamoDB ({@link MotoJitTables}), the stream read by {@link JitAuditStreamReader} into Kafka,
 * the streams app, alert delivery, the revoke executor and the Elasticsearch sink. The reader stops after the first ten items
 * and a new reader (a restart) resumes from the checkpoint in {@code ingest-checkpoints}; every request's
 * timeline then holds each of its records exactly once, in one unbroken chain. The controller's
 * self-approval (frank approves his own request) raises {@code SELF_APPROVAL}; a compliant run raises
 * nothing.
 */
class JitAuditStreamPipelineIT {
  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
  private static final String PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";
  private static final String ALICE = "1d1d7044-857f-45a8-9ab5-6def9d3d47aa";
  private static final String CAROL_PREFIX = "192a4f91";
  private static final String DAVE_PREFIX = "7c927304";
  private static final String FRANK_PREFIX = "94e99498";

  @TempDir Path dir;

  /** One run of the stream reader as {@code glasswatch ingest} runs it: its own checkpoint store and producer. */
  private static JitAuditStreamReader.PollResult readOnce(GlasswatchSettings s, MotoJitTables t) throws Exception {
    SourceSettings sources = new SourceSettings(null, null, INSTANCE, PERMISSION_SET, null, null);
    var options = new JitAuditStreamReader.Options(t.streamArn(), t.requestsTable(), 100, 1000, Duration.ofMillis(10), 3);
    try (CheckpointStore store = CheckpointStore.open(s, io.glasswatch.schema.TopicNames.from(s).name(Topics.INGEST_CHECKPOINTS));
        EventProducer producer = new EventProducer(s)) {
      JitAuditStreamReader reader = new JitAuditStreamReader(t.streams(), t.dynamoDb(), options, new NativeFormats(sources),
          new RateLimiter(50), store, producer, new IngestMetrics());
      JitAuditStreamReader.PollResult r = reader.pollOnce();
      assertThat(store.get(reader.checkpointKey())).as("checkpoint written").isPresent();
      return r;
    }
  }

  private interface Body {
    void run(GlasswatchSettings s, MotoJitTables t) throws Exception;
  }

  private void withStack(String namespace, Body body) throws Exception {
    GlasswatchSettings s = ItNamespace.prepare(namespace, dir);
    try (MotoJitTables tables = MotoJitTables.create(s);
        Pipeline pipeline = Pipeline.start(s, Pipeline.all(), System.out)) {
      body.run(s, tables);
    }
  }

  @Test
  void theStreamThroughThePipelineRaisesTheControllersViolationsAndARestartNeitherDuplicatesNorSkips()
      throws Exception {
    withStack("jitstream", (s, t) -> {
      List<JsonNode> puts = MotoJitTables.controllerPutItems();
      List<JsonNode> audit = puts.stream().filter(p -> MotoJitTables.writes(p, MotoJitTables.AUDIT)).toList();
      assertThat(audit).hasSize(17);
      puts.stream().filter(p -> MotoJitTables.writes(p, MotoJitTables.REQUESTS)).forEach(t::put);

      // first run: alice's and carol's requests, dave's request and approval
      audit.subList(0, 10).forEach(t::put);
      JitAuditStreamReader.PollResult first = readOnce(s, t);
      assertThat(first.records()).isEqualTo(10);
      assertThat(first.rejected()).isZero();

      // the reader is down while the controller writes on; a new reader resumes from the checkpoint
      audit.subList(10, 17).forEach(t::put);
      JitAuditStreamReader.PollResult second = readOnce(s, t);
      assertThat(second.records()).as("only the items written after the checkpoint").isEqualTo(7);
      assertThat(second.rejected()).isZero();

      // in Kafka: every jit_audit item once, plus the jit_requests enrichment of each request
      List<GatewayEvent> produced = TopicReader.readAll(s, Topics.GATEWAY_EVENTS, GatewayEvent.class);
      assertThat(produced).hasSize((int) (first.produced() + second.produced()));
      Map<String, Long> auditPerRequest = audit.stream().collect(Collectors.groupingBy(
          MotoJitTables::requestId, TreeMap::new, Collectors.counting()));
      Map<String, Long> fromAudit = produced.stream().filter(e -> !"jit_requests".equals(e.getSourceEventType()))
          .collect(Collectors.groupingBy(GatewayEvent::getRequestId, TreeMap::new, Collectors.counting()));
      assertThat(fromAudit).isEqualTo(auditPerRequest);
      Map<String, Long> eventsPerRequest = produced.stream().collect(Collectors.groupingBy(
          GatewayEvent::getRequestId, TreeMap::new, Collectors.counting()));

      // alerts: frank approved his own request (SELF_APPROVAL) and his grant failed (GRANT_ERROR);
      // dave's 120 min grant is over the default maxGrantDuration of 1 h (EXCESSIVE_DURATION)
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        List<Alert> alerts = TopicReader.readAll(s, Topics.ALERTS, Alert.class);
        assertThat(alerts).extracting(a -> a.getAlertType() + " " + a.getRequestId().substring(0, 8))
            .containsExactlyInAnyOrder("SELF_APPROVAL " + FRANK_PREFIX, "GRANT_ERROR " + FRANK_PREFIX,
                "EXCESSIVE_DURATION " + DAVE_PREFIX);
      });

      // the timeline in Elasticsearch: per request, each record exactly once, one unbroken chain
      try (TimelineQueries q = new TimelineQueries(s)) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).untilAsserted(() -> {
          q.refresh();
          Map<String, Long> indexed = new TreeMap<>();
          for (String request : eventsPerRequest.keySet()) {
            List<Map<String, Object>> docs = q.timeline(request);
            indexed.put(request, docs.stream().filter(d -> "event".equals(gw(d).get("kind"))).count());
            assertThat(docs).extracting(d -> gw(d).get("entry_id")).doesNotHaveDuplicates();
            assertThat(TimelineVerifier.verify(request, docs).intact()).as(request).isTrue();
            assertThat(docs).extracting(d -> ((Number) gw(d).get("sequence")).longValue())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, docs.size()).boxed().toList());
          }
          assertThat(indexed).isEqualTo(eventsPerRequest);
          // the alerts are in their requests' timelines too
          assertThat(q.timeline(eventsPerRequest.keySet().stream().filter(r -> r.startsWith(FRANK_PREFIX))
              .findFirst().orElseThrow())).filteredOn(d -> "alert".equals(gw(d).get("kind"))).hasSize(2);
        });
      }
      List<RevokeResult> results = TopicReader.readAll(s, Topics.REVOKE_RESULTS, RevokeResult.class);
      assertThat(results).noneMatch(r -> "FAILED".equals(r.getOutcome()));
    });
  }

  @Test
  void aCompliantRunOfTheControllerRaisesNothingEvenAfterEveryDeadline() throws Exception {
    withStack("jitstream-compliant", (s, t) -> {
      // alice (60 min, expired by the controller) and carol (30 min, revoked by secops), both approved by bob
      List<JsonNode> puts = MotoJitTables.controllerPutItems().stream()
          .filter(p -> MotoJitTables.requestId(p).equals(ALICE) || MotoJitTables.requestId(p).startsWith(CAROL_PREFIX)).toList();
      puts.stream().filter(p -> MotoJitTables.writes(p, MotoJitTables.REQUESTS)).forEach(t::put);
      List<JsonNode> audit = puts.stream().filter(p -> MotoJitTables.writes(p, MotoJitTables.AUDIT)).toList();
      assertThat(audit).hasSize(8);
      audit.forEach(t::put);
      JitAuditStreamReader.PollResult r = readOnce(s, t);
      assertThat(r.records()).isEqualTo(8);
      assertThat(r.rejected()).isZero();

      // event time runs on past every grant's end (the latest, alice's jit_requests end_time, is 22:12:27),
      // decision delay and expiry sweep (the broker refuses timestamps more than an hour ahead of its clock)
      try (EventProducer producer = new EventProducer(s)) {
        producer.produceClockTicks(Instant.parse("2026-12-06T23:30:00Z"));
      }
      try (TimelineQueries q = new TimelineQueries(s)) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).untilAsserted(() -> {
          q.refresh();
          // both lifecycles closed: the streams app has processed everything up to the tick
          for (String request : Set.of(ALICE, MotoJitTables.requestId(audit.get(4)))) {
            assertThat(q.timeline(request)).as(request)
                .anyMatch(d -> "lifecycle_closed".equals(((Map<?, ?>) d.get("event")).get("action")));
          }
        });
      }
      assertThat(TopicReader.readAll(s, Topics.ALERTS, Alert.class)).isEmpty();
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> gw(Map<String, Object> doc) {
    return (Map<String, Object>) doc.get("glasswatch");
  }
}
