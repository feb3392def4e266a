package io.glasswatch.producers.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class EventProducerConfigTest {
  @Test
  void isIdempotentWithAcksAllAndPassesPrefixedSettingsOn() {
    GlasswatchSettings s = GlasswatchSettings.builder()
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, "broker-1:9092")
        .set("kafka.producer.security.protocol", "SASL_SSL")
        .set("kafka.producer.acks", "1")
        .set("kafka.producer.enable.idempotence", "false")
        .build();
    Properties p = EventProducer.producerConfig(s);
    assertThat(p).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker-1:9092")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 10)
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(p.getProperty("kafka.producer.acks")).isNull();
  }

  @Test
  void summarizesAReport() {
    ProduceReport r = new ProduceReport(java.util.Map.of("gateway-events", 4L, "cloudtrail-events", 8L), 1, 2,
        java.time.Instant.parse("2024-05-01T12:00:00Z"), java.util.List.of("f:3: bad"));
    assertThat(r.producedTotal()).isEqualTo(12);
    assertThat(r.producedTo("guardduty-findings")).isZero();
    assertThat(r.summary()).isEqualTo("produced 12 (cloudtrail-events=8, gateway-events=4), rejected 1, skipped 2,"
        + " latest event time 2024-05-01T12:00:00Z");
  }
}
