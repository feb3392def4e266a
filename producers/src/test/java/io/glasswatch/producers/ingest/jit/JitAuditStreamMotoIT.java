package io.glasswatch.producers.ingest.jit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.aws.RateLimiter;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.NativeFormats;
import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The live {@code jit_audit} stream reader against moto's DynamoDB Streams (moto implements
 * DescribeStream, GetShardIterator and GetRecords), with the JIT controller's real PutItem bodies
 * ({@code real-sources/jit-aws-controller/dynamodb-putitem-requests.jsonl}) written to moto tables, the
 * test stack's Kafka, and a restart that resumes from the checkpoint.
 */
class JitAuditStreamMotoIT {
  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
  private static final String PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";

  @Test
  void readsTheStreamToKafkaAndARestartResumesWithoutDuplicateOrGap() throws Exception {
    GlasswatchSettings settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.MOTO);
    URI moto = URI.create(settings.get(GlasswatchSettings.SSO_ENDPOINT));
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String audit = "jit_audit_" + suffix;
    String requests = "jit_requests_" + suffix;
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    try (DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(moto).region(Region.US_EAST_1)
            .credentialsProvider(creds).build();
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(moto).region(Region.US_EAST_1)
            .credentialsProvider(creds).overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none())).build();
        IngestKafka kafka = new IngestKafka(settings);
        EventProducer producer = kafka.producer()) {
      ddb.createTable(r -> r.tableName(audit)
          .keySchema(k -> k.attributeName("request_id").keyType(KeyType.HASH),
              k -> k.attributeName("event_time_event_id").keyType(KeyType.RANGE))
          .attributeDefinitions(a -> a.attributeName("request_id").attributeType(ScalarAttributeType.S),
              a -> a.attributeName("event_time_event_id").attributeType(ScalarAttributeType.S))
          .billingMode("PAY_PER_REQUEST")
          .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
      ddb.createTable(r -> r.tableName(requests)
          .keySchema(k -> k.attributeName("request_id").keyType(KeyType.HASH))
          .attributeDefinitions(a -> a.attributeName("request_id").attributeType(ScalarAttributeType.S))
          .billingMode("PAY_PER_REQUEST"));
      String streamArn = ddb.describeTable(r -> r.tableName(audit)).table().latestStreamArn();

      List<JsonNode> puts = new ArrayList<>();
      Path file = Path.of(getClass().getResource("/real-sources/jit-aws-controller/dynamodb-putitem-requests.jsonl").toURI());
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          puts.add(Json.MAPPER.readTree(line).get("body"));
        }
      }
      List<JsonNode> auditItems = puts.stream().filter(b -> "jit_audit".equals(b.get("TableName").asText())).toList();
      puts.stream().filter(b -> "jit_requests".equals(b.get("TableName").asText()))
          .forEach(b -> ddb.putItem(r -> r.tableName(requests).item(attributes(b.get("Item")))));
      assertThat(auditItems).hasSize(17);
      List<JsonNode> first = auditItems.subList(0, 10);
      List<JsonNode> second = auditItems.subList(10, 17);
      first.forEach(b -> ddb.putItem(r -> r.tableName(audit).item(attributes(b.get("Item")))));

      SourceSettings sources = new SourceSettings(null, null, INSTANCE, PERMISSION_SET, null, null);
      JitAuditStreamReader.Options options = new JitAuditStreamReader.Options(streamArn, requests, 100, 1000,
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

      second.forEach(b -> ddb.putItem(r -> r.tableName(audit).item(attributes(b.get("Item")))));
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

  private static Map<String, AttributeValue> attributes(JsonNode item) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    item.properties().forEach(e -> out.put(e.getKey(), attribute(e.getValue())));
    return out;
  }

  private static AttributeValue attribute(JsonNode typed) {
    var e = typed.properties().iterator().next();
    JsonNode v = e.getValue();
    return switch (e.getKey()) {
      case "S" -> AttributeValue.fromS(v.asText());
      case "N" -> AttributeValue.fromN(v.asText());
      case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
      case "M" -> AttributeValue.fromM(attributes(v));
      default -> throw new IllegalArgumentException("type " + e.getKey());
    };
  }
}
