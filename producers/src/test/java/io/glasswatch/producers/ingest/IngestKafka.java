package io.glasswatch.producers.ingest;

import io.glasswatch.producers.ingest.common.CheckpointStore;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import io.glasswatch.testing.KafkaTestSupport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Per-test topics on the test stack's Kafka for the ingest tests: create, produce, read, count, delete. */
public final class IngestKafka implements AutoCloseable {
  /** How long reads wait. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final GlasswatchSettings settings;
  private final Map<String, String> topics = new HashMap<>();

  /** Unique input, dead-letter and checkpoint topics, created with 1 partition. */
  public IngestKafka(GlasswatchSettings settings) {
    this.settings = settings;
    for (String t : List.of(Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS,
        Topics.DEAD_LETTER)) {
      topics.put(t, KafkaTestSupport.uniqueTopic(t));
    }
    KafkaTestSupport.createTopics(settings, 1, topics.values().toArray(String[]::new));
    topics.put(Topics.INGEST_CHECKPOINTS, KafkaTestSupport.uniqueTopic(Topics.INGEST_CHECKPOINTS));
  }

  /** The settings. */
  public GlasswatchSettings settings() {
    return settings;
  }

  /** The test's name of a logical topic. */
  public String topic(String logical) {
    return topics.get(logical);
  }

  /** A producer writing this test's topics. */
  public EventProducer producer() {
    return producer(settings);
  }

  /** A producer with {@code s} (e.g. an unreachable Kafka) writing this test's topics. */
  public EventProducer producer(GlasswatchSettings s) {
    return new EventProducer(s, AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)), topics::get,
        new Normalizer());
  }

  /** A checkpoint store on this test's checkpoint topic (a new instance reads what earlier ones wrote). */
  public CheckpointStore checkpoints() {
    return CheckpointStore.open(settings, topics.get(Topics.INGEST_CHECKPOINTS));
  }

  /** Reads at least {@code expected} Avro values of a logical input topic. */
  public <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(String logical, Class<V> type, int expected) {
    Deserializer<V> de = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(type).deserializer();
    return KafkaTestSupport.readAll(settings, topics.get(logical), new StringDeserializer(), de, expected, TIMEOUT);
  }

  /** Reads at least {@code expected} dead-letter records. */
  public List<ConsumerRecord<String, byte[]>> readDeadLetters(int expected) {
    return KafkaTestSupport.readAll(settings, topics.get(Topics.DEAD_LETTER), new StringDeserializer(),
        new ByteArrayDeserializer(), expected, TIMEOUT);
  }

  /** The number of records in a logical topic (sum of end offsets). */
  public long count(String logical) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      String t = topics.get(logical);
      List<TopicPartition> parts = c.partitionsFor(t, TIMEOUT).stream()
          .map(i -> new TopicPartition(t, i.partition())).toList();
      return c.endOffsets(parts, TIMEOUT).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Override
  public void close() {
    KafkaTestSupport.deleteTopics(settings, topics.values().toArray(String[]::new));
  }
}
