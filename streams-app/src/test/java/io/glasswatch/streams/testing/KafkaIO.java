package io.glasswatch.streams.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.testing.KafkaTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing input records to, and reading committed output from, a real Kafka in integration tests. */
public final class KafkaIO implements AutoCloseable {
  private final GlasswatchSettings stack;
  private final String prefix;
  private final KafkaProducer<String, SpecificRecord> producer;

  /** A producer of Avro values with the registry serdes; topics get {@code prefix}. */
  public KafkaIO(GlasswatchSettings stack, AvroSerdes serdes, String prefix) {
    this.stack = stack;
    this.prefix = prefix;
    Map<Class<?>, Serializer<SpecificRecord>> byType = new HashMap<>();
    @SuppressWarnings("unchecked")
    Serializer<SpecificRecord> values = (topic, value) -> value == null ? null
        : byType.computeIfAbsent(value.getClass(),
            c -> (Serializer<SpecificRecord>) serdes.value((Class<SpecificRecord>) c).serializer()).serialize(topic, value);
    producer = new KafkaProducer<>(KafkaTestSupport.producerProperties(stack), new StringSerializer(), values);
  }

  /** Sends every record (its timestamp, when set, as the record timestamp) and waits for the acknowledgements. */
  public void send(List<InputRecord> records) throws Exception {
    List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
    for (InputRecord r : records) {
      Long ts = r.timestamp() == null ? null : r.timestamp().toEpochMilli();
      acks.add(producer.send(new ProducerRecord<>(prefix + r.topic(), null, ts, r.key(), r.value())));
    }
    for (var a : acks) {
      a.get();
    }
  }

  /** Sends a clock tick at {@code at} to every partition of {@code topic}. */
  public void tick(String topic, java.time.Instant at) throws Exception {
    int partitions = producer.partitionsFor(prefix + topic).size();
    for (int p = 0; p < partitions; p++) {
      producer.send(new ProducerRecord<>(prefix + topic, p, at.toEpochMilli(), null, null,
          io.glasswatch.streams.input.ClockTick.headers())).get();
    }
  }

  /**
   * Reads {@code topic} with read_committed until {@code n} values arrived, then checks that no more
   * arrive for {@code quiet}.
   */
  public <V> List<V> readExactly(String topic, Deserializer<V> deserializer, int n, Duration quiet) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), deserializer)) {
      List<TopicPartition> partitions = consumer.partitionsFor(prefix + topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(prefix + topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await("records of " + topic).atMost(Duration.ofSeconds(180)).pollInSameThread().pollDelay(Duration.ZERO)
          .untilAsserted(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            assertThat(values).hasSizeGreaterThanOrEqualTo(n);
          });
      await("no more records of " + topic).during(quiet).atMost(quiet.plusSeconds(10)).pollInSameThread()
          .untilAsserted(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            assertThat(values).hasSize(n);
          });
    }
    return values;
  }

  @Override
  public void close() {
    producer.close();
  }
}
