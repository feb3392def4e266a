package io.glasswatch.producers.ingest.jit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.aws.RateLimiter;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.NativeFormats;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.MotoJitTables;
import io.glasswatch.testing.TestStack;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The live {@code jit_audit} stream reader against moto's DynamoDB Streams (moto implements
 * DescribeStream, GetShardIterator and GetRecords), with the JIT controller's real PutItem bodies
 * ({@code real-sources/jit-aws-controller/dynamodb-putitem-requests.jsonl}) written to moto tables
 * ({@link MotoJitTables}), the test stack's Kafka, and a restart that resumes from the checkpoint.
 */
class JitAuditStreamMotoIT {
  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
  private static final String PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";

  @Test
  void readsTheStreamToKafkaAndARestartResumesWithoutDuplicateOrGap() throws Exception {
    GlasswatchSettings settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.MOTO);
    try (MotoJitTables tables = MotoJitTables.create(settings);
        IngestKafka kafka = new IngestKafka(settings);
        EventProducer producer = kafka.producer()) {
      DynamoDbClient ddb = tables.dynamoDb();
      DynamoDbStreamsClient streams = tables.streams();
      List<JsonNode> puts = MotoJitTables.controllerPutItems();
      List<JsonNode> auditItems = puts.stream().filter(b -> MotoJitTables.writes(b, MotoJitTables.AUDIT)).toList();
      puts.stream().filter(b -> MotoJitTables.writes(b, MotoJitTables.REQUESTS)).forEach(tables::put);
      assertThat(auditItems).hasSize(17);
      List<JsonNode> first = auditItems.subList(0, 10);
      List<JsonNode> second = auditItems.subList(10, 17);
      first.forEach(tables::put);

      SourceSettings sources = new SourceSettings(null, null, INSTANCE, PERMISSION_SET, null, null);
      JitAuditStreamReader.Options options = new JitAuditStreamReader.Options(tables.streamArn(), tables.requestsTable(), 100, 1000,
          Duration.ofMillis(10), 3);
      IngestMetrics metrics = new IngestMetrics();
      int firstCount;
      try (CheckpointStore store = kafka.checkpoints()) {
        JitAuditStreamReader reader = new JitAuditStreamReader(streams, ddb, options, new NativeFormats(sources),
            new RateLimiter(50), store, producer, metrics);
        JitAuditStreamReader.PollResult r = reader.pollOnce();
        assertThat(r.records()).isEqualTo(10);
        assertThat(r.rejected()).isZero();
        firstCount = (int) r.produced();
        assertThat(store.get(reader.checkpointKey())).isPresent();
        assertThat(reader.pollOnce().records()).as("caught up: nothing new").isZero();
      }

      second.forEach(tables::put);
      try (CheckpointStore reopened = kafka.checkpoints()) {
        JitAuditStreamReader restarted = new JitAuditStreamReader(streams, ddb, options, new NativeFormats(sources),
            new RateLimiter(50), reopened, producer, metrics);
        JitAuditStreamReader.PollResult r = restarted.pollOnce();
        assertThat(r.records()).as("only the items written after the checkpoint").isEqualTo(7);
        int total = firstCount + (int) r.produced();
        List<ConsumerRecord<String, GatewayEvent>> out = kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, total);
        List<String> eventIds = out.stream().map(c -> c.value())
            .filter(e -> !"jit_requests".equals(e.getSourceEventType()))
            .map(e -> Json.MAPPER.valueToTree(e.getExtraJson()).asText()).toList();
        assertThat(eventIds).hasSize(17).doesNotHaveDuplicates();
        GatewayEvent grant = out.stream().map(ConsumerRecord::value)
            .filter(e -> "grant".equals(e.getType()) && "1d1d7044-857f-45a8-9ab5-6def9d3d47aa".equals(e.getRequestId()))
            .findFirst().orElseThrow();
        assertThat(grant.getAssignment().getPrincipalId()).isEqualTo("90671d1d7044-idstore");
        assertThat(grant.getAssignment().getPermissionSetArn()).isEqualTo(PERMISSION_SET);
        assertThat(out).allSatisfy(c -> assertThat(c.key()).isEqualTo(c.value().getRequestId()));
      }
    }
  }
}
