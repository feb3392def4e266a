package io.glasswatch.producers.ingest.jit;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.aws.RateLimiter;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.NativeFormats;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The jit_audit stream reader's shard handling against an in-memory stream ({@link FakeStreams}):
 * resharding (parent before child), throttling, expired iterators, a checkpoint past the trim horizon;
 * events and checkpoints go to the test stack's Kafka.
 */
class JitAuditStreamReaderIT {
  private static final String ARN = "arn:aws:dynamodb:us-east-1:111122223333:table/jit_audit/stream/2026-12-06T00:00:00.000";
  private IngestKafka kafka;
  private EventProducer producer;
  private final IngestMetrics metrics = new IngestMetrics();
  private final FakeStreams streams = new FakeStreams();

  @BeforeEach
  void start() {
    GlasswatchSettings settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
    kafka = new IngestKafka(settings);
    producer = kafka.producer();
  }

  @AfterEach
  void stop() {
    producer.close();
    kafka.close();
  }

  private JitAuditStreamReader reader(CheckpointStore store) {
    return new JitAuditStreamReader(streams, null, new JitAuditStreamReader.Options(ARN, null, 10, 2,
        Duration.ofMillis(5), 4), new NativeFormats(SourceSettings.none()), new RateLimiter(1000), store, producer,
        metrics);
  }

  private static Map<String, AttributeValue> item(String request, String type, String second) {
    return Map.of("request_id", AttributeValue.fromS(request), "event_id", AttributeValue.fromS(request + type),
        "event_time", AttributeValue.fromS("2026-12-06T21:12:" + second + "Z"),
        "event_type", AttributeValue.fromS(type), "account_id", AttributeValue.fromS("111122223333"),
        "actor_email", AttributeValue.fromS("system"));
  }

  @Test
  void aSplitShardIsReadAfterItsParentWithThrottlingAndAnExpiredIterator() throws Exception {
    streams.shard("shard-parent", null);
    streams.shard("shard-child", "shard-parent");
    streams.shards.get("shard-parent").closed = true;
    streams.insert("shard-parent", item("r1", "REQUESTED", "01"));
    streams.insert("shard-parent", item("r1", "APPROVED", "02"));
    streams.insert("shard-parent", item("r1", "GRANTED", "03"));
    streams.insert("shard-child", item("r1", "REVOKED", "04"));
    streams.throttleNextCalls = 2;
    streams.expireIterators.add("shard-parent@2");
    try (CheckpointStore store = kafka.checkpoints()) {
      JitAuditStreamReader.PollResult r = reader(store).pollOnce();

      assertThat(r.shards()).isEqualTo(2);
      assertThat(r.records()).isEqualTo(4);
      List<ConsumerRecord<String, GatewayEvent>> out = kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 4);
      assertThat(out).extracting(c -> c.value().getType()).containsExactly("request", "approval", "grant", "expiry");
      assertThat(metrics.rejectedCount(JitAuditStreamReader.SOURCE, "throttled")).isEqualTo(2.0);
      assertThat(store.get(reader(store).checkpointKey()).orElseThrow())
          .contains("\"shard-parent\":{\"seq\":\"102\",\"done\":true}")
          .contains("\"shard-child\":{\"seq\":\"103\",\"done\":false}");
    }
  }

  @Test
  void aRestartResumesAfterTheCheckpointAndATrimmedCheckpointRestartsAtTheHorizon() throws Exception {
    streams.shard("shard-1", null);
    streams.insert("shard-1", item("r2", "REQUESTED", "01"));
    try (CheckpointStore store = kafka.checkpoints()) {
      assertThat(reader(store).pollOnce().records()).isEqualTo(1);
    }
    streams.insert("shard-1", item("r2", "DENIED", "02"));
    try (CheckpointStore reopened = kafka.checkpoints()) {
      assertThat(reader(reopened).pollOnce().records()).isEqualTo(1);
      assertThat(kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 2)).extracting(c -> c.value().getType())
          .containsExactly("request", "denial");
      // the stream's retention passed the checkpoint: the reader counts the loss and restarts at the horizon
      streams.insert("shard-1", item("r2", "EXPIRED", "03"));
      streams.shards.get("shard-1").trimmedBefore = 2;
      assertThat(reader(reopened).pollOnce().records()).isEqualTo(1);
      assertThat(metrics.rejectedCount(JitAuditStreamReader.SOURCE, "trimmed")).isEqualTo(1.0);
    }
  }
}
