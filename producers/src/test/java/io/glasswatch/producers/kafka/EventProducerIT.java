package io.glasswatch.producers.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Produces real files to a real Kafka with the Apicurio Registry serdes and reads them back. */
class EventProducerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TOKEN = "tok_live_it_9f8e7d6c5b4a";
  private static GlasswatchSettings settings;

  @TempDir
  Path dir;

  private final Map<String, String> topics = new HashMap<>();

  @BeforeAll
  static void startStack() {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void uniqueTopics() {
    for (String t : List.of(Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS, Topics.DEAD_LETTER)) {
      topics.put(t, KafkaTestSupport.uniqueTopic(t));
    }
  }

  @AfterEach
  void deleteTopics() {
    KafkaTestSupport.deleteTopics(settings, topics.values().toArray(String[]::new));
  }

  /**
   * Creates this test's topics with {@code retention.ms=-1}: records carry their event time (2024
   * here), and under time-based retention the broker would delete them at its next retention check.
   */
  private void createTopics(int partitions) {
    try (Admin admin = Admin.create(KafkaTestSupport.adminProperties(settings))) {
      admin.createTopics(topics.values().stream()
          .map(t -> new NewTopic(t, partitions, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))
          .toList()).all().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics " + topics.values(), e);
    }
    KafkaTestSupport.createTopics(settings, partitions, topics.values().toArray(String[]::new));
  }

  private EventProducer producer(GlasswatchSettings s) {
    return new EventProducer(s, AvroSerdes.registry(s.get(GlasswatchSettings.REGISTRY_URL)), topics::get, new Normalizer());
  }

  private <V> List<ConsumerRecord<String, V>> read(String logical, Class<V> avroType, int expected) {
    @SuppressWarnings("unchecked")
    org.apache.kafka.common.serialization.Deserializer<V> de = avroType == byte[].class
        ? (org.apache.kafka.common.serialization.Deserializer<V>) new ByteArrayDeserializer()
        : (org.apache.kafka.common.serialization.Deserializer<V>) AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL))
            .value(avroType.asSubclass(org.apache.avro.specific.SpecificRecord.class)).deserializer();
    List<ConsumerRecord<String, V>> records =
        KafkaTestSupport.readAll(settings, topics.get(logical), new StringDeserializer(), de, expected, TIMEOUT);
    assertThat(records).as("records on %s", logical).hasSize(expected);
    return records;
  }

  static String line(String json) {
    return json.replace("\n", " ");
  }

  @Test
  void producesEveryReadableLineAndDeadLettersTheMalformedOne() throws IOException {
    createTopics(2);
    String malformed = "{\"type\":\"grant\",\"requestId\":\"req-1\",\"tokenId\":\"" + TOKEN + "\",\"expiresAt\":";
    List<String> lines = List.of(
        "{\"type\":\"request\",\"requestId\":\"req-1\",\"subject\":\"alice\",\"justification\":\"outage\",\"ticketId\":\"INC-1\","
            + "\"accountId\":\"111122223333\",\"timestamp\":\"2024-05-01T12:00:00Z\",\"kind\":\"root\"}",
        "{\"type\":\"grant\",\"requestId\":\"req-1\",\"tokenId\":\"" + TOKEN + "\",\"expiresAt\":\"2024-05-01T13:00:00Z\","
            + "\"timestamp\":\"2024-05-01T12:02:00Z\"}",
        "",
        malformed,
        line("""
            {"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333",
             "arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-05-01T12:06:00Z",
             "eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",
             "responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},
             "eventID":"ct-1","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"""),
        line("""
            {"schemaVersion":"2.0","accountId":"111122223333","id":"gd-1","type":"Policy:IAMUser/RootCredentialUsage",
             "severity":2,"service":{"eventLastSeen":"2024-05-01T12:07:00Z","additionalInfo":{"sample":false}}}"""),
        line("""
            {"awsAccountId":"111122223333","digestStartTime":"2024-05-01T11:00:00Z","logFiles":[]}"""),
        "{\"type\":\"approval\",\"requestId\":\"req-1\",\"approver\":\"bob\",\"approverAcr\":\"loa2\","
            + "\"approverRole\":\"security\",\"timestamp\":\"2024-05-01T12:01:00Z\"}");
    Path file = dir.resolve("mixed.jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n");

    List<String> progress = new ArrayList<>();
    ProduceReport report;
    try (EventProducer producer = producer(settings)) {
      report = producer.produce(List.of(file), progress::add);
    }

    assertThat(report.producedTo(topics.get(Topics.GATEWAY_EVENTS))).isEqualTo(3);
    assertThat(report.producedTo(topics.get(Topics.CLOUDTRAIL_EVENTS))).isEqualTo(1);
    assertThat(report.producedTo(topics.get(Topics.GUARDDUTY_FINDINGS))).isEqualTo(1);
    assertThat(report.rejected()).isEqualTo(1);
    assertThat(report.skipped()).isEqualTo(1);
    assertThat(report.maxEventTime()).isEqualTo(Instant.parse("2024-05-01T12:07:00Z"));
    assertThat(report.rejections()).singleElement().asString().isEqualTo(file + ":4: invalid JSON at line 4: the value is incomplete (line 5 starts a new value)");
    assertThat(progress).contains("reading " + file).last().asString().startsWith("produced 5");

    List<ConsumerRecord<String, GatewayEvent>> gateway = read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 3);
    assertThat(gateway).extracting(ConsumerRecord::key).containsOnly("req-1");
    assertThat(gateway).extracting(r -> r.value().getType()).containsExactly("request", "grant", "approval");
    assertThat(gateway).extracting(r -> r.value().getOrigin())
        .containsExactly(file + ":1", file + ":2", file + ":8");
    assertThat(gateway).extracting(ConsumerRecord::timestamp).containsExactly(
        Instant.parse("2024-05-01T12:00:00Z").toEpochMilli(), Instant.parse("2024-05-01T12:02:00Z").toEpochMilli(),
        Instant.parse("2024-05-01T12:01:00Z").toEpochMilli());
    assertThat(gateway.get(1).value().getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint(TOKEN));
    assertThat(gateway.get(0).value().getKind()).isEqualTo("root");
    for (ConsumerRecord<String, byte[]> raw : read(Topics.GATEWAY_EVENTS, byte[].class, 3)) {
      assertThat(new String(raw.value(), StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);
    }

    ConsumerRecord<String, CloudTrailEvent> ct = read(Topics.CLOUDTRAIL_EVENTS, CloudTrailEvent.class, 1).get(0);
    assertThat(ct.key()).isEqualTo("111122223333");
    assertThat(ct.value().getEventID()).isEqualTo("ct-1");
    assertThat(ct.value().getMfaUsed()).isEqualTo("NO");
    assertThat(ct.timestamp()).isEqualTo(Instant.parse("2024-05-01T12:06:00Z").toEpochMilli());

    ConsumerRecord<String, GuardDutyFinding> gd = read(Topics.GUARDDUTY_FINDINGS, GuardDutyFinding.class, 1).get(0);
    assertThat(gd.key()).isEqualTo("111122223333");
    assertThat(gd.value().getId()).isEqualTo("gd-1");

    ConsumerRecord<String, byte[]> dead = read(Topics.DEAD_LETTER, byte[].class, 1).get(0);
    String rawValue = new String(dead.value(), StandardCharsets.UTF_8);
    assertThat(rawValue).isEqualTo(malformed.replace(TOKEN, "[REDACTED]"));
    assertThat(dead.key()).isEqualTo(file + ":4");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.FILE)).isEqualTo(file.toString());
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.LINE)).isEqualTo("4");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).startsWith("invalid JSON at line 4").doesNotContain(TOKEN);
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.FIELD)).isNull();
  }

  @Test
  void deadLettersRejectedEventsWithTheFieldToBlame() throws IOException {
    createTopics(1);
    String missing = "{\"type\":\"approval\",\"requestId\":\"req-2\",\"approver\":\"bob\",\"approverRole\":\"security\","
        + "\"timestamp\":\"2024-05-01T12:01:00Z\"}";
    Path file = dir.resolve("approvals.json");
    Files.writeString(file, "[\n" + missing + "\n]\n");
    try (EventProducer producer = producer(settings)) {
      ProduceReport report = producer.produce(List.of(dir), m -> { });
      assertThat(report.producedTotal()).isZero();
      assertThat(report.rejected()).isEqualTo(1);
    }
    ConsumerRecord<String, byte[]> dead = read(Topics.DEAD_LETTER, byte[].class, 1).get(0);
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(missing);
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.LINE)).isEqualTo("2");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.FIELD)).isEqualTo("approverAcr");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON))
        .isEqualTo("approval: missing required field approverAcr");
  }

  @Test
  void producesInEventTimeOrderWhenAskedAndTicksEveryPartition() throws IOException {
    createTopics(3);
    List<String> expiries = new ArrayList<>();
    for (int minute : new int[] {30, 10, 20, 10}) {
      expiries.add("{\"type\":\"expiry\",\"requestId\":\"req-3\",\"reason\":\"revoked\",\"timestamp\":\"2024-05-01T12:"
          + minute + ":00Z\",\"seq\":" + expiries.size() + "}");
    }
    Files.writeString(dir.resolve("b.jsonl"), String.join("\n", expiries.subList(0, 2)));
    Files.writeString(dir.resolve("a.jsonl"), String.join("\n", expiries.subList(2, 4)));
    Instant tick = Instant.parse("2024-05-01T13:00:00Z");
    try (EventProducer producer = producer(settings)) {
      ProduceReport report = producer.produceSorted(List.of(dir), m -> { });
      assertThat(report.producedTotal()).isEqualTo(4);
      assertThat(producer.produceClockTicks(tick)).isEqualTo(9);
    }
    List<ConsumerRecord<String, byte[]>> all = read(Topics.GATEWAY_EVENTS, byte[].class, 4 + 3);
    List<ConsumerRecord<String, byte[]>> events = all.stream().filter(r -> r.value() != null).toList();
    assertThat(events).extracting(ConsumerRecord::partition).containsOnly(events.get(0).partition());
    List<GatewayEvent> decoded = new ArrayList<>();
    var de = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(GatewayEvent.class).deserializer();
    events.stream().sorted(Comparator.comparingLong(ConsumerRecord::offset))
        .forEach(r -> decoded.add(de.deserialize(r.topic(), r.headers(), r.value())));
    assertThat(decoded).extracting(e -> e.getTimestamp().toString())
        .containsExactly("2024-05-01T12:10:00Z", "2024-05-01T12:10:00Z", "2024-05-01T12:20:00Z", "2024-05-01T12:30:00Z");
    assertThat(decoded).as("stable: a.jsonl is read before b.jsonl; equal times keep input order")
        .extracting(e -> e.getExtraJson()).containsExactly("{\"seq\":3}", "{\"seq\":1}", "{\"seq\":2}", "{\"seq\":0}");
    for (String logical : EventProducer.INPUT_TOPICS) {
      List<ConsumerRecord<String, byte[]>> records = logical.equals(Topics.GATEWAY_EVENTS)
          ? all : read(logical, byte[].class, 3);
      List<ConsumerRecord<String, byte[]>> ticks = records.stream().filter(r -> r.value() == null).toList();
      assertThat(ticks).as("ticks on %s", logical).hasSize(3)
          .extracting(ConsumerRecord::partition).containsExactlyInAnyOrder(0, 1, 2);
      assertThat(ticks).allSatisfy(r -> {
        assertThat(r.timestamp()).isEqualTo(tick.toEpochMilli());
        assertThat(r.key()).isNull();
        assertThat(DeadLetterHeaders.get(r.headers(), EventProducer.CLOCK_TICK_HEADER)).isEqualTo("true");
      });
    }
  }

  @Test
  void failsLoudlyWhenKafkaCannotTakeTheRecords() throws IOException {
    Path file = dir.resolve("one.jsonl");
    Files.writeString(file, "{\"type\":\"expiry\",\"requestId\":\"r\",\"reason\":\"revoked\",\"timestamp\":\"2024-05-01T12:00:00Z\"}\n");
    GlasswatchSettings shortBlock = settings.with(EventProducer.PRODUCER_PREFIX + "max.block.ms", "1500");
    try (EventProducer producer = producer(shortBlock)) {
      assertThatThrownBy(() -> producer.produce(List.of(file), m -> { }))
          .isInstanceOf(ProduceException.class)
          .hasMessageContaining(file + ":1")
          .hasMessageContaining(topics.get(Topics.GATEWAY_EVENTS))
          .satisfies(e -> assertThat(((ProduceException) e).partial().producedTotal()).isZero());
      assertThatThrownBy(() -> producer.produceClockTicks(Instant.EPOCH))
          .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
  }
}
