package io.glasswatch.cli.config;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.TopicNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The keys the cli's own code reads (the services' modules read theirs into their own settings records:
 * {@code KafkaSettings}, {@code StreamsSettings}, {@code SinkSettings}, {@code AlertsSettings}), read from
 * {@link GlasswatchSettings} and validated as a whole when a command starts ({@code ConfigOptions}): every
 * problem at once in one {@link ConfigException}, each naming the key and the expected form. Immutable;
 * holds no secret.
 *
 * @param kafkaBootstrap {@code kafka.bootstrap.servers}: {@code host:port[,host:port]}
 * @param registryUrl {@code registry.url}: the Apicurio Registry v3 API
 * @param topics {@code kafka.topic-prefix}: the topic names and consumer groups of this instance
 * @param applicationId {@code streams.application.id}: letters, digits, {@code .}, {@code _}, {@code -}
 * @param timelineIndexPrefix {@code elasticsearch.timeline.index-prefix}
 * @param policyFile {@code policy.file}, when set (read, and reported when unreadable, only by a command that
 *     applies it: {@code --policy} wins over it)
 */
public record CliSettings(String kafkaBootstrap, String registryUrl, TopicNames topics, String applicationId,
    String timelineIndexPrefix, Optional<Path> policyFile) {

  /**
   * Reads and validates.
   *
   * @param s settings built by {@link GlasswatchSettings.Builder#build()} (bootstrap servers, URLs and the
   *     topic prefix are checked there)
   * @return the cli's settings
   * @throws ConfigException listing every problem, sorted
   */
  public static CliSettings from(GlasswatchSettings s) {
    List<String> problems = new ArrayList<>();
    String appId = s.get(GlasswatchSettings.STREAMS_APP_ID).strip();
    if (!appId.matches("[A-Za-z0-9._-]+")) {
      problems.add(GlasswatchSettings.STREAMS_APP_ID + ": expected letters, digits, '.', '_' or '-', got '" + appId + "'");
    }
    Optional<Path> policy = s.isSet(GlasswatchSettings.POLICY_FILE)
        ? Optional.of(Path.of(s.get(GlasswatchSettings.POLICY_FILE).strip())) : Optional.empty();
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new ConfigException(problems);
    }
    return new CliSettings(s.get(GlasswatchSettings.KAFKA_BOOTSTRAP), s.get(GlasswatchSettings.REGISTRY_URL),
        TopicNames.from(s), appId, s.get(GlasswatchSettings.ES_TIMELINE_INDEX).strip(), policy);
  }

  /** Admin client properties: the bootstrap servers, 30 s API timeout. */
  public Properties adminProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return p;
  }

  /** Properties of a consumer that reads committed records only and commits nothing (the cli's readers). */
  public Properties readerProperties() {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return c;
  }
}
