package io.glasswatch.streams;

import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.usage;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.streams.input.ClockTick;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology on the real local stack: Kafka (two partitions per topic) and Apicurio Registry, with
 * exactly-once processing. Each test runs under its own topic prefix and application id.
 */
class GlasswatchTopologyIT {
  private static final String ACCOUNT = "210987654321";
  private static GlasswatchSettings stack;
  private static AvroSerdes serdes;

  @TempDir Path stateDir;

  @BeforeAll
  static void startStack() {
    stack = TestStack.settings(Component.KAFKA, Component.REGISTRY);
    serdes = AvroSerdes.registry(stack.get(GlasswatchSettings.REGISTRY_URL));
  }

  private StreamsSettings settingsFor(String prefix) {
    return StreamsSettings.from(stack).withApplicationId(prefix + "glasswatch").withTopicPrefix(prefix)
        .withStateDir(stateDir);
  }

  private static String[] catalogue(String prefix) {
    return Topics.all().stream().map(t -> prefix + t).toArray(String[]::new);
  }

  @Test
  void detectsOnceWithExactlyOnceOverTheRegistrySerdes() throws Exception {
    String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    KafkaTestSupport.createTopics(stack, 2, catalogue(prefix));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant t0 = now.minus(Duration.ofMinutes(30));

    try (StreamsService service = new StreamsService(settingsFor(prefix), serdes)) {
      service.start();
      assertThat(service.awaitRunning(Duration.ofSeconds(90))).isTrue();

      var loginWithoutMfa = rootLogin("it-ct-1", ACCOUNT, t0.plus(Duration.ofMinutes(10)), "NO", true);
      try (KafkaProducer<String, SpecificRecord> producer = producer();
          KafkaProducer<String, byte[]> raw = new KafkaProducer<>(KafkaTestSupport.producerProperties(stack),
              new StringSerializer(), new ByteArraySerializer())) {
        send(producer, prefix + Topics.GATEWAY_EVENTS, "req-it", request("req-it", "alice", ACCOUNT, "jit", t0));
        send(producer, prefix + Topics.GATEWAY_EVENTS, "req-it",
            approval("req-it", "bob", "security", t0.plus(Duration.ofMinutes(1))));
        send(producer, prefix + Topics.GATEWAY_EVENTS, "req-it",
            approval("req-it", "dana", "incident_command", t0.plus(Duration.ofMinutes(1))));
        send(producer, prefix + Topics.GATEWAY_EVENTS, "req-it", grant("req-it", "tok-it", t0.plus(Duration.ofMinutes(2)),
            Duration.ofHours(1), true, assignment(ACCOUNT, "user-alice")));
        send(producer, prefix + Topics.GATEWAY_EVENTS, "req-it",
            usage("req-it", "tok-it", "alice", "allow", t0.plus(Duration.ofMinutes(3))));
        send(producer, prefix + Topics.GATEWAY_EVENTS, "req-it",
            usage("req-it", "tok-it", "alice", "allow", t0.plus(Duration.ofMinutes(4))));
        // root sign-in after the grant was revoked for token reuse: unauthorized, and without MFA
        send(producer, prefix + Topics.CLOUDTRAIL_EVENTS, ACCOUNT, loginWithoutMfa);
        raw.send(new ProducerRecord<>(prefix + Topics.CLOUDTRAIL_EVENTS, ACCOUNT,
            "not avro".getBytes(StandardCharsets.UTF_8))).get();
        send(producer, prefix + Topics.CLOUDTRAIL_EVENTS, ACCOUNT, loginWithoutMfa);
        send(producer, prefix + Topics.CLOUDTRAIL_EVENTS, ACCOUNT, userCall("it-ct-2", ACCOUNT,
            t0.plus(Duration.ofMinutes(11)), "DescribeInstances"));
        // nothing else happens on the account: clock ticks on every partition move stream time to now,
        // past the sign-in's decision delay
        for (int partition = 0; partition < 2; partition++) {
          raw.send(new ProducerRecord<>(prefix + Topics.CLOUDTRAIL_EVENTS, partition, now.toEpochMilli(), null, null,
              ClockTick.headers())).get();
        }
      }

      List<Alert> alerts = readExactly(prefix + Topics.ALERTS, serdes.value(Alert.class).deserializer(), 3);
      assertThat(alerts).extracting(Alert::getAlertType)
          .containsExactlyInAnyOrder("TOKEN_REUSE", "UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA");
      Alert reuse = alerts.stream().filter(a -> a.getAlertType().equals("TOKEN_REUSE")).findFirst().orElseThrow();

      List<RevokeCommand> revokes = readExactly(prefix + Topics.REVOKE_COMMANDS,
          serdes.value(RevokeCommand.class).deserializer(), 1);
      assertThat(revokes.get(0).getAlertId()).isEqualTo(reuse.getAlertId());
      assertThat(revokes.get(0).getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));

      // 12 entries of req-it (6 events, the alert, the revoke, 4 lifecycle steps: requested, approved,
      // granted, used) and 4 of the account (2 records, 2 alerts): the re-delivered sign-in and the ticks
      // add nothing, the poison record goes to the dead-letter topic
      List<TimelineEntry> timeline = readExactly(prefix + Topics.TIMELINE,
          serdes.value(TimelineEntry.class).deserializer(), 16);
      List<TimelineEntry> request = timeline.stream().filter(e -> e.getCorrelationId().equals("req-it"))
          .sorted((a, b) -> Long.compare(a.getSequence(), b.getSequence())).toList();
      assertThat(request).extracting(TimelineEntry::getSequence)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
      assertThat(request).filteredOn(e -> "state".equals(e.getKind())).extracting(TimelineEntry::getAction)
          .containsExactly("lifecycle_requested", "lifecycle_approved", "lifecycle_granted", "lifecycle_used");
      String prev = null;
      for (TimelineEntry e : request) {
        assertThat(e.getPrevHash()).isEqualTo(prev);
        assertThat(e.getHash()).isEqualTo(Hashing.timelineHash(e));
        prev = e.getHash();
      }

      List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestSupport.readAll(stack, prefix + Topics.DEAD_LETTER,
          new ByteArrayDeserializer(), new ByteArrayDeserializer(), 1, Duration.ofSeconds(60));
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC))
            .isEqualTo(prefix + Topics.CLOUDTRAIL_EVENTS);
        assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).startsWith("cannot deserialize");
      });
    } finally {
      KafkaTestSupport.deleteTopics(stack, catalogue(prefix));
    }
  }

  @Test
  void refusesToStartWhenInputTopicsDifferInPartitionCount() {
    String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    KafkaTestSupport.createTopics(stack, 2, prefix + Topics.GATEWAY_EVENTS, prefix + Topics.GUARDDUTY_FINDINGS,
        prefix + Topics.REVOKE_RESULTS, prefix + Topics.ALERT_DELIVERY_EVENTS);
    KafkaTestSupport.createTopics(stack, 1, prefix + Topics.CLOUDTRAIL_EVENTS);
    try (StreamsService service = new StreamsService(settingsFor(prefix), serdes)) {
      assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("same number of partitions").hasMessageContaining(prefix + Topics.CLOUDTRAIL_EVENTS + "=1");
      assertThat(service.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.CREATED);
    } finally {
      KafkaTestSupport.deleteTopics(stack, catalogue(prefix));
    }
  }

  private static KafkaProducer<String, SpecificRecord> producer() {
    Map<Class<?>, Serializer<SpecificRecord>> byType = new HashMap<>();
    @SuppressWarnings("unchecked")
    Serializer<SpecificRecord> values = (topic, value) -> byType.computeIfAbsent(value.getClass(),
        c -> (Serializer<SpecificRecord>) serdes.value((Class<SpecificRecord>) c).serializer()).serialize(topic, value);
    return new KafkaProducer<>(KafkaTestSupport.producerProperties(stack), new StringSerializer(), values);
  }

  private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String key,
      SpecificRecord value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** Reads {@code topic} (read_committed) until {@code n} records arrived, then checks no more arrive for 5 s. */
  private static <V> List<V> readExactly(String topic, Deserializer<V> deserializer, int n) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), deserializer)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await("records of " + topic).atMost(Duration.ofSeconds(120)).pollInSameThread().pollDelay(Duration.ZERO)
          .untilAsserted(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            assertThat(values).hasSizeGreaterThanOrEqualTo(n);
          });
      await("no more records of " + topic).during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
          .pollInSameThread().untilAsserted(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            assertThat(values).hasSize(n);
          });
    }
    return values;
  }
}
