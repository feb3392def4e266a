package io.glasswatch.producers.kafka;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka settings of the producers module, read from {@link GlasswatchSettings} once and validated
 * at start, so that no other class reads a key: the bootstrap servers ({@code kafka.bootstrap.servers},
 * a comma-separated list of {@code host:port}), the Apicurio Registry URL ({@code registry.url}) and the
 * producer configs given as {@code kafka.producer.<config>} keys (Kafka producer configuration names,
 * https://kafka.apache.org/documentation/#producerconfigs), prefix removed, and the topic names
 * ({@code kafka.topic-prefix}, {@link TopicNames}).
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param registryUrl the registry's v3 API URL
 * @param producerOverrides Kafka producer configs set by the operator, by config name (never
 *     idempotence or acks: {@link #producerConfig()} forces those)
 * @param topics the topics written ({@link TopicNames#DEFAULT} unless {@code kafka.topic-prefix} is set)
 */
public record KafkaSettings(String bootstrapServers, String registryUrl, Map<String, String> producerOverrides,
    TopicNames topics) {
  /** Settings keys with this prefix are Kafka producer configs (prefix removed). */
  public static final String PRODUCER_PREFIX = "kafka.producer.";

  /** Validates and copies; the overrides keep their order. */
  public KafkaSettings {
    producerOverrides = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(producerOverrides));
    topics = topics == null ? TopicNames.DEFAULT : topics;
  }

  /**
   * Settings writing the catalogue's topic names ({@link TopicNames#DEFAULT}).
   *
   * @param bootstrapServers {@code host:port[,host:port...]}
   * @param registryUrl the registry's v3 API URL
   * @param producerOverrides Kafka producer configs set by the operator, by config name
   */
  public KafkaSettings(String bootstrapServers, String registryUrl, Map<String, String> producerOverrides) {
    this(bootstrapServers, registryUrl, producerOverrides, TopicNames.DEFAULT);
  }

  /**
   * Reads and validates the Kafka keys of {@code settings}.
   *
   * @param settings validated settings (the bootstrap servers' form is checked by {@link GlasswatchSettings})
   * @throws ConfigException listing every {@code kafka.producer.} key without a config name (the topic
   *     prefix's form is checked by {@link GlasswatchSettings})
   */
  public static KafkaSettings from(GlasswatchSettings settings) {
    List<String> problems = new ArrayList<>();
    String bootstrap = settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP);
    Map<String, String> overrides = new TreeMap<>();
    settings.asMap().forEach((k, v) -> {
      if (k.startsWith(PRODUCER_PREFIX)) {
        String config = k.substring(PRODUCER_PREFIX.length()).strip();
        if (config.isEmpty()) {
          problems.add(k + ": expected kafka.producer.<producer config>, e.g. kafka.producer.linger.ms");
        } else {
          overrides.put(config, v);
        }
      }
    });
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new KafkaSettings(bootstrap, settings.get(GlasswatchSettings.REGISTRY_URL), overrides,
        TopicNames.from(settings));
  }

  /**
   * These settings with the producer config {@code config} set to {@code value} unless the operator set it.
   *
   * @param config a Kafka producer config name, e.g. {@code linger.ms}
   */
  public KafkaSettings withProducerDefault(String config, String value) {
    if (producerOverrides.containsKey(config)) {
      return this;
    }
    Map<String, String> m = new LinkedHashMap<>(producerOverrides);
    m.put(config, value);
    return new KafkaSettings(bootstrapServers, registryUrl, m, topics);
  }

  /**
   * The producer configuration: the bootstrap servers, idempotence, acks=all, linger 10 ms, lz4, bounded
   * exponential retry backoff, 2 min delivery timeout; then every {@link #producerOverrides()} entry
   * (e.g. {@code security.protocol=SASL_SSL}, {@code max.block.ms=5000}), except that idempotence and
   * {@code acks=all} cannot be turned off.
   */
  public Properties producerConfig() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "glasswatch-producer");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    p.putAll(producerOverrides);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }
}
