package io.glasswatch.benchmarks;

import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.input.EventTimeExtractor;
import io.glasswatch.streams.replay.InputRecord;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces workload records to the (prefixed) input topics like Glasswatch's producers do: idempotent,
 * {@code acks=all}, lz4, the event time as record timestamp, values through the given Avro serdes; with
 * a longer linger and larger batches than the production producer, since this is bulk loading.
 */
final class InputProducer implements AutoCloseable {
  private final KafkaProducer<String, SpecificRecord> producer;
  private final UnaryOperator<String> topicNames;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  InputProducer(String bootstrap, AvroSerdes serdes, UnaryOperator<String> topicNames) {
    this.topicNames = topicNames;
    Map<String, Serializer<SpecificRecord>> byTopic = new HashMap<>();
    for (Map.Entry<String, Class<? extends SpecificRecord>> e : Topics.valueTypes().entrySet()) {
      @SuppressWarnings("unchecked")
      Serializer<SpecificRecord> s = (Serializer<SpecificRecord>) serdes.value(e.getValue()).serializer();
      byTopic.put(topicNames.apply(e.getKey()), s);
    }
    Serializer<SpecificRecord> values = (topic, value) -> byTopic.get(topic).serialize(topic, value);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "glasswatch-bench-producer");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    producer = new KafkaProducer<>(p, new StringSerializer(), values);
  }

  /**
   * Sends up to {@code max} records of {@code source}, then flushes.
   *
   * @return records sent
   * @throws IllegalStateException when a send failed
   */
  long send(Iterator<InputRecord> source, long max) {
    long n = 0;
    while (n < max && source.hasNext()) {
      InputRecord r = source.next();
      long ts = r.timestamp() != null ? r.timestamp().toEpochMilli()
          : EventTimeExtractor.eventTime(r.value()).toEpochMilli();
      producer.send(new ProducerRecord<>(topicNames.apply(r.topic()), null, ts, r.key(), r.value()), (md, e) -> {
        if (e != null) {
          failure.compareAndSet(null, e);
        }
      });
      n++;
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("producing the workload failed: " + failure.get().getMessage(), failure.get());
    }
    return n;
  }

  @Override
  public void close() {
    producer.close();
  }
}
