package io.glasswatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.Component;
import io.glasswatch.stack.ComponentStatus;
import io.glasswatch.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/** The shared test stack against real Kafka: topic helpers, reading back, reuse within the JVM. */
class SharedStackIT {

  @Test
  void createsWritesReadsAndDeletesTopicsOnTheTestStack() throws Exception {
    GlasswatchSettings s = TestStack.settings(Component.KAFKA);
    String topic = KafkaTestSupport.uniqueTopic("test-stack-it");

    KafkaTestSupport.createTopics(s, 3, topic);
    KafkaTestSupport.createTopics(s, 3, topic);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaTestSupport.producerProperties(s),
        new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(10, TimeUnit.SECONDS);
      }
    }
    List<ConsumerRecord<String, String>> records = KafkaTestSupport.readAll(s, topic, new StringDeserializer(),
        new StringDeserializer(), 10, Duration.ofSeconds(30));

    assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(
        "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    assertThat(records).extracting(ConsumerRecord::partition).containsAnyOf(0, 1, 2);

    KafkaTestSupport.deleteTopics(s, topic, KafkaTestSupport.uniqueTopic("never-created"));
    try (Admin admin = Admin.create(KafkaTestSupport.adminProperties(s))) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(topic);
    }
  }

  @Test
  void readingFewerRecordsThanExpectedTimesOutSayingHowManyArrived() {
    GlasswatchSettings s = TestStack.settings(Component.KAFKA);
    String topic = KafkaTestSupport.uniqueTopic("test-stack-it-empty");
    KafkaTestSupport.createTopics(s, 1, topic);

    assertThatThrownBy(() -> KafkaTestSupport.readAll(s, topic, new StringDeserializer(), new StringDeserializer(),
        1, Duration.ofSeconds(2)))
        .isInstanceOf(ConditionTimeoutException.class)
        .hasMessageContaining("records read from " + topic);
    KafkaTestSupport.deleteTopics(s, topic);
  }

  @Test
  void settingsAreCompleteAndTheStackIsReusedWithinTheJvm() {
    GlasswatchSettings first = TestStack.settings(Component.KAFKA, Component.MOTO);
    LocalStack view = new LocalStack(TestStack.baseSettings());
    ComponentStatus kafka = view.status(Component.KAFKA);

    GlasswatchSettings second = TestStack.settings(Component.KAFKA);

    assertThat(first.get(GlasswatchSettings.KAFKA_BOOTSTRAP))
        .isEqualTo("127.0.0.1:" + Integer.getInteger(TestStack.KAFKA_PORT_PROPERTY, 29092));
    assertThat(first.get(GlasswatchSettings.SSO_ENDPOINT))
        .isEqualTo("http://127.0.0.1:" + Integer.getInteger(TestStack.MOTO_PORT_PROPERTY, 25000));
    assertThat(kafka.isRunning()).isTrue();
    assertThat(view.status(Component.KAFKA).pid()).isEqualTo(kafka.pid());
    assertThat(second.get(GlasswatchSettings.KAFKA_BOOTSTRAP)).isEqualTo(first.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    assertThat(TestStack.directory()).isEqualTo(TestStack.baseSettings().stackDir());
  }
}
