package io.glasswatch.producers.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** {@link KafkaSettings}: the producers' Kafka keys, read and validated once. */
class KafkaSettingsTest {
  @Test
  void readsBootstrapRegistryAndPrefixedProducerConfigs() {
    KafkaSettings k = KafkaSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, "broker-1:9092,broker-2:9092")
        .set("kafka.producer.linger.ms", "25")
        .build());

    assertThat(k.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
    assertThat(k.registryUrl()).isEqualTo("http://127.0.0.1:18081/apis/registry/v3");
    assertThat(k.producerOverrides()).containsExactly(java.util.Map.entry("linger.ms", "25"));
    assertThat(k.producerConfig()).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "25");
  }

  @Test
  void writesTheCatalogueTopicsUnlessATopicPrefixIsSet() {
    KafkaSettings plain = KafkaSettings.from(GlasswatchSettings.builder().build());
    KafkaSettings prefixed = KafkaSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.TOPIC_PREFIX, "it-a-").build());

    assertThat(plain.topics().name("gateway-events")).isEqualTo("gateway-events");
    assertThat(prefixed.topics().name("gateway-events")).isEqualTo("it-a-gateway-events");
    assertThat(prefixed.withProducerDefault("linger.ms", "2").topics()).isEqualTo(prefixed.topics());
  }

  @Test
  void aDefaultGivenByTheCodeYieldsToTheOperatorsValue() {
    KafkaSettings set = KafkaSettings.from(GlasswatchSettings.builder().set("kafka.producer.linger.ms", "25").build());
    KafkaSettings unset = KafkaSettings.from(GlasswatchSettings.builder().build());

    assertThat(set.withProducerDefault("linger.ms", "2").producerConfig()).containsEntry("linger.ms", "25");
    assertThat(unset.withProducerDefault("linger.ms", "2").producerConfig()).containsEntry("linger.ms", "2");
  }

  @Test
  void aProducerKeyWithoutAConfigNameIsReported() {
    GlasswatchSettings s = GlasswatchSettings.builder().set("kafka.producer.", "x").build();

    assertThatThrownBy(() -> KafkaSettings.from(s)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "kafka.producer.: expected kafka.producer.<producer config>, e.g. kafka.producer.linger.ms"));
  }
}
