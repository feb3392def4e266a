package io.glasswatch.cli.demo;

import io.glasswatch.cli.config.CliSettings;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every committed record of an Avro topic from the beginning (registry serde). Topics are named
 * as in the catalogue ({@code Topics}); the reader reads the settings' instance of each
 * ({@code kafka.topic-prefix}, {@link TopicNames}).
 */
public final class TopicReader {
  private TopicReader() {}

  /**
   * All committed values of the topic {@code catalogueName} of {@code settings}' instance, partition by
   * partition, up to the end offsets seen at the call.
   *
   * @param catalogueName a name of {@code Topics}, e.g. {@code alerts}; the prefix is added here
   */
  public static <T extends SpecificRecord> List<T> readAll(GlasswatchSettings settings, String catalogueName,
      Class<T> type) {
    CliSettings cli = CliSettings.from(settings);
    String topic = cli.topics().name(catalogueName);
    Properties c = cli.readerProperties();
    var serde = AvroSerdes.registry(cli.registryUrl()).value(type);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(c, new StringDeserializer(), serde.deserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      var ends = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }
}
