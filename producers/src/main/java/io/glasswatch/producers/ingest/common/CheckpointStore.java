package io.glasswatch.producers.ingest.common;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Checkpoints of the live ingest components, kept in a compacted Kafka topic: string key (the
 * component, e.g. {@code cloudtrail:123456789012:us-east-1}), UTF-8 JSON value (the component's own
 * shape); the last record of a key is its checkpoint, a null value deletes it.
 *
 * <p>{@link #open} creates the topic when missing ({@code cleanup.policy=compact}, one partition, the
 * broker's replication factor) and reads it from the beginning to its end offsets, so a restarted
 * component resumes from what it last wrote. {@link #put} waits for Kafka's acknowledgement
 * ({@code acks=all}, idempotent producer) before it returns: a component writes its checkpoint only
 * after the events it covers were acknowledged, so a crash in between re-reads (and de-duplicates), and
 * never skips. Thread-safe; one store serves every component of a process.
 */
public final class CheckpointStore implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final KafkaProducer<String, String> producer;
  private final Map<String, String> values = new ConcurrentHashMap<>();

  private CheckpointStore(String topic, KafkaProducer<String, String> producer) {
    this.topic = topic;
    this.producer = producer;
  }

  /**
   * Creates the topic when it is missing and loads every checkpoint in it.
   *
   * @param settings Kafka bootstrap servers ({@link KafkaSettings#from})
   * @param topic the compacted checkpoint topic (normally {@code ingest-checkpoints})
   * @throws IllegalStateException when Kafka cannot be reached within 30 s
   */
  public static CheckpointStore open(GlasswatchSettings settings, String topic) {
    return open(KafkaSettings.from(settings), topic);
  }

  /**
   * Creates the topic when it is missing and loads every checkpoint in it.
   *
   * @param kafka the Kafka bootstrap servers
   * @param topic the compacted checkpoint topic (normally {@code ingest-checkpoints})
   * @throws IllegalStateException when Kafka cannot be reached within 30 s
   */
  public static CheckpointStore open(KafkaSettings kafka, String topic) {
    String bootstrap = kafka.bootstrapServers();
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(ap)) {
      if (!admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).contains(topic)) {
        try {
          admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1)
              .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"))))
              .all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create checkpoint topic " + topic + " on " + bootstrap + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.CLIENT_ID_CONFIG, "glasswatch-ingest-checkpoints");
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    CheckpointStore store = new CheckpointStore(topic,
        new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer()));
    store.load(bootstrap);
    return store;
  }

  private void load(String bootstrap) {
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(topic, TIMEOUT)) {
        parts.add(new TopicPartition(topic, p.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp, TIMEOUT) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("checkpoint topic " + topic + " not read to its end within " + TIMEOUT);
        }
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() == null) {
            continue;
          }
          if (r.value() == null) {
            values.remove(r.key());
          } else {
            values.put(r.key(), r.value());
          }
        }
      }
    }
  }

  /** The checkpoint of {@code key}, as loaded or last put. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** Every key starting with {@code prefix}, with its checkpoint. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new java.util.TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * Writes the checkpoint of {@code key} and waits for Kafka's acknowledgement.
   *
   * @param value UTF-8 JSON text (never secrets)
   * @throws IllegalStateException when Kafka did not acknowledge within 30 s; the previous checkpoint stays
   */
  public void put(String key, String value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      values.put(key, value);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("checkpoint " + key + " not acknowledged by Kafka: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing checkpoint " + key, e);
    }
  }

  /** The topic name. */
  public String topic() {
    return topic;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
