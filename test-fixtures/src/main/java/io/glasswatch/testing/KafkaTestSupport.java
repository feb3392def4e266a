package io.glasswatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka helpers for integration tests against the test stack: create and delete topics, read a
 * topic from the beginning until an expected number of records arrived, and unique topic names so
 * tests never share a topic. The stack runs with automatic topic creation off: create topics first.
 */
public final class KafkaTestSupport {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private KafkaTestSupport() {}

  /**
   * {@code base-<8 hex random>-<n>}: a topic name no other test (in this or another JVM) uses.
   *
   * @param base a legal topic name prefix, e.g. {@code Topics.ALERTS}
   */
  public static String uniqueTopic(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + COUNTER.incrementAndGet();
  }

  /** Admin client properties for {@code s}'s Kafka (bootstrap from {@link GlasswatchSettings#KAFKA_BOOTSTRAP}). */
  public static Properties adminProperties(GlasswatchSettings s) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    return p;
  }

  /** Producer properties: bootstrap, {@code acks=all}, idempotence on, {@code linger.ms=0}. Serializers are the caller's. */
  public static Properties producerProperties(GlasswatchSettings s) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return p;
  }

  /**
   * Creates {@code topics} with {@code partitions} partitions, replication factor 1 and
   * {@code retention.ms=-1} (test records carry historical event times), ignoring topics that
   * already exist, and waits until every partition has a leader.
   *
   * @throws IllegalStateException when Kafka refuses a topic for another reason or does not answer in 30 s
   */
  public static void createTopics(GlasswatchSettings s, int partitions, String... topics) {
    try (Admin admin = Admin.create(adminProperties(s))) {
      // Test records carry historical event times as timestamps: keep them (no time-based retention).
      List<NewTopic> newTopics = Arrays.stream(topics)
          .map(t -> new NewTopic(t, partitions, (short) 1).configs(Map.of("retention.ms", "-1"))).toList();
      for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(newTopics).values().entrySet()) {
        try {
          e.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(), ex.getCause());
          }
        }
      }
      await("leaders of " + Arrays.toString(topics)).atMost(ADMIN_TIMEOUT).pollInSameThread()
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(ExecutionException.class)
          .untilAsserted(() -> {
            Map<String, TopicDescription> d = admin.describeTopics(List.of(topics)).allTopicNames()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(d.values()).allSatisfy(td ->
                assertThat(td.partitions()).allSatisfy(p -> assertThat(p.leader()).isNotNull()));
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer createTopics within " + ADMIN_TIMEOUT, e);
    }
  }

  /**
   * Deletes {@code topics}, ignoring topics that do not exist.
   *
   * @throws IllegalStateException when Kafka refuses or does not answer in 30 s
   */
  public static void deleteTopics(GlasswatchSettings s, String... topics) {
    try (Admin admin = Admin.create(adminProperties(s))) {
      for (Map.Entry<String, KafkaFuture<Void>> e : admin.deleteTopics(List.of(topics)).topicNameValues().entrySet()) {
        try {
          e.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw new IllegalStateException("cannot delete topic " + e.getKey() + ": " + ex.getCause(), ex.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deleting topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer deleteTopics within " + ADMIN_TIMEOUT, e);
    }
  }

  /**
   * Reads {@code topic} from the beginning of every partition (no consumer group, nothing committed)
   * until at least {@code expected} records arrived.
   *
   * @return every record read, at least {@code expected}, in per-partition order (partitions in turn
   *     as polled)
   * @throws org.awaitility.core.ConditionTimeoutException when fewer than {@code expected} records
   *     arrived within {@code timeout} (the message says how many did)
   */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(GlasswatchSettings s, String topic,
      Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, int expected, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, keyDeserializer, valueDeserializer)) {
      List<TopicPartition> partitions = new ArrayList<>();
      await("partitions of " + topic).atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(100))
          .until(() -> {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
            partitions.clear();
            if (infos != null) {
              infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            return !partitions.isEmpty();
          });
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await("records of " + topic).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .untilAsserted(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            assertThat(records).as("records read from %s", topic).hasSizeGreaterThanOrEqualTo(expected);
          });
    }
    return records;
  }
}
