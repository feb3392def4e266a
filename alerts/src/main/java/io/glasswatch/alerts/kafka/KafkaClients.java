package io.glasswatch.alerts.kafka;

import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Kafka client configuration of the alerts module's services, from {@link GlasswatchSettings}.
 *
 * <p>Consumers commit manually ({@code enable.auto.commit=false}), start at the earliest offset
 * when their group has none, and read only committed records. Producers are idempotent with
 * {@code acks=all}, so an acknowledged record is on every in-sync replica and a retried send
 * never duplicates it.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * Properties of a group consumer.
   *
   * @param settings where Kafka is ({@code kafka.bootstrap.servers})
   * @param groupId consumer group, e.g. {@code glasswatch-alerts}
   * @param clientId client id for broker logs and metrics
   * @return a new mutable map
   */
  public static Map<String, Object> groupConsumer(GlasswatchSettings settings, String groupId, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    return p;
  }

  /**
   * Properties of a consumer without a group, for reading a whole topic by assignment.
   *
   * @param settings where Kafka is
   * @param clientId client id
   * @return a new mutable map
   */
  public static Map<String, Object> reader(GlasswatchSettings settings, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    return p;
  }

  /**
   * Properties of an idempotent {@code acks=all} producer.
   *
   * @param settings where Kafka is
   * @param clientId client id
   * @return a new mutable map
   */
  public static Map<String, Object> producer(GlasswatchSettings settings, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    return p;
  }

  /**
   * Creates a topic unless it exists.
   *
   * @param settings where Kafka is
   * @param topic topic name
   * @param partitions partitions of a new topic
   * @param compacted whether a new topic gets {@code cleanup.policy=compact} (latest value per key kept)
   * @param timeout how long to wait for the broker
   * @throws IllegalStateException when the broker cannot be reached or refuses within {@code timeout}
   */
  public static void ensureTopic(GlasswatchSettings settings, String topic, int partitions, boolean compacted,
      Duration timeout) {
    Map<String, Object> p = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    try (Admin admin = Admin.create(p)) {
      NewTopic t = new NewTopic(topic, Optional.of(partitions), Optional.empty());
      if (compacted) {
        t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      }
      admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + topic + ": no answer from Kafka within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
  }
}
