package io.glasswatch.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.alerts.testing.TestAlerts;
import io.glasswatch.alerts.testing.WebhookReceiver;
import io.glasswatch.alerts.testing.WebhookReceiver.Received;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertDispatcher} on real Kafka and Apicurio Registry with a local webhook receiver that
 * verifies signatures: each alert reaches each channel once, across duplicates and restarts.
 */
class AlertDispatcherIT {
  private static final String SECRET = "it-webhook-secret";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static GlasswatchSettings settings;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private WebhookReceiver receiver;
  private String alertsTopic;
  private String deliveriesTopic;
  private String deadLetterTopic;

  @BeforeAll
  static void stack() {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void topics() throws Exception {
    alertsTopic = KafkaTestSupport.uniqueTopic("alerts");
    deliveriesTopic = KafkaTestSupport.uniqueTopic("alert-deliveries");
    deadLetterTopic = KafkaTestSupport.uniqueTopic("dead-letter");
    KafkaTestSupport.createTopics(settings, 2, alertsTopic, deadLetterTopic);
    receiver = new WebhookReceiver(SECRET, "/hooks/oncall");
  }

  @AfterEach
  void stop() {
    receiver.close();
    threads.shutdownNow();
  }

  private AlertDispatcher.Options options(String group) {
    return AlertDispatcher.Options.defaults().withTopics(alertsTopic, deliveriesTopic, deadLetterTopic).withGroupId(group)
        .withPollTimeout(Duration.ofMillis(200));
  }

  private WebhookChannel webhook() {
    return new WebhookChannel(WebhookChannel.Options.of(receiver.url(), "it", SECRET)
        .withRetries(3, Duration.ofMillis(20), Duration.ofMillis(100)));
  }

  private void produce(Alert... alerts) {
    try (KafkaProducer<String, Alert> p = new KafkaProducer<>(KafkaTestSupport.producerProperties(settings),
        new StringSerializer(), AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(Alert.class).serializer())) {
      for (Alert a : alerts) {
        p.send(new ProducerRecord<>(alertsTopic, a.getCorrelationId(), a));
      }
      p.flush();
    }
  }

  private static Alert alert(String id, String correlationId) {
    return Alert.newBuilder(TestAlerts.rootUse(id)).setCorrelationId(correlationId).build();
  }

  @Test
  void deliversEachAlertOncePerChannelAcrossDuplicatesAndRestarts() throws Exception {
    Alert a1 = alert("it-a1-" + alertsTopic, "account:111111111111");
    Alert a2 = alert("it-a2-" + alertsTopic, "req-2");
    Alert a3 = alert("it-a3-" + alertsTopic, "req-3");
    produce(a1, a2, a1);

    ByteArrayOutputStream console = new ByteArrayOutputStream();
    String group = KafkaTestSupport.uniqueTopic("glasswatch-alerts");
    try (WebhookChannel webhook = webhook()) {
      List<AlertChannel> channels = List.of(new ConsoleChannel(new PrintStream(console, true, StandardCharsets.UTF_8)), webhook);

      AlertDispatcher first = new AlertDispatcher(settings, channels, options(group));
      Future<?> run1 = threads.submit(first);
      await().atMost(WAIT).until(() -> first.stats().alertsRead() == 3);
      first.close();
      run1.get();
      assertThat(first.stats().deliveredByChannel()).isEqualTo(Map.of("console", 2L, "webhook", 2L));
      assertThat(first.stats().alreadyDelivered()).isEqualTo(2);
      assertThat(first.stats().failed()).isZero();
      assertThat(receiver.received()).hasSize(2);

      // restart in the same group: only the new records are read, and a1 again is not re-sent
      produce(a1, a3);
      AlertDispatcher second = new AlertDispatcher(settings, channels, options(group));
      Future<?> run2 = threads.submit(second);
      await().atMost(WAIT).until(() -> second.stats().alertsRead() == 2);
      second.close();
      run2.get();
      assertThat(second.stats().delivered()).isEqualTo(2);
      assertThat(second.stats().alreadyDelivered()).isEqualTo(2);

      // a new group replays the whole topic: the delivered set comes from Kafka, so nothing is re-sent
      AlertDispatcher replay = new AlertDispatcher(settings, channels, options(group + "-replay"));
      Future<?> run3 = threads.submit(replay);
      await().atMost(WAIT).until(() -> replay.stats().alertsRead() == 5);
      replay.close();
      run3.get();
      assertThat(replay.stats().delivered()).isZero();
      assertThat(replay.stats().alreadyDelivered()).isEqualTo(10);
    }

    List<Received> got = receiver.received();
    assertThat(got).hasSize(3).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(WebhookSignature.Verdict.VALID));
    assertThat(got).extracting(r -> r.header(WebhookSignature.IDEMPOTENCY_KEY_HEADER))
        .containsExactlyInAnyOrder(a1.getAlertId(), a2.getAlertId(), a3.getAlertId());
    assertThat(console.toString(StandardCharsets.UTF_8).lines()).hasSize(3);

    List<ConsumerRecord<String, byte[]>> deliveries = KafkaTestSupport.readAll(settings, deliveriesTopic,
        new StringDeserializer(), new ByteArrayDeserializer(), 6, WAIT);
    assertThat(deliveries).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(
        a1.getAlertId() + "|console", a1.getAlertId() + "|webhook", a2.getAlertId() + "|console",
        a2.getAlertId() + "|webhook", a3.getAlertId() + "|console", a3.getAlertId() + "|webhook");
  }

  @Test
  void deadLettersRejectedDeliveriesAndUnreadableRecordsAndKeepsGoing() throws Exception {
    Alert rejected = alert("it-rej-" + alertsTopic, "req-9");
    Alert fine = alert("it-ok-" + alertsTopic, "req-9");
    receiver.then(400, Map.of(), "unknown receiver");
    produce(rejected);
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(KafkaTestSupport.producerProperties(settings),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(alertsTopic, "req-9", "not avro".getBytes(StandardCharsets.UTF_8))).get();
    }
    produce(fine);

    try (WebhookChannel webhook = webhook()) {
      AlertDispatcher d = new AlertDispatcher(settings, List.of(webhook), options(KafkaTestSupport.uniqueTopic("g")));
      Future<?> run = threads.submit(d);
      await().atMost(WAIT).until(() -> d.stats().alertsRead() == 3);
      d.close();
      run.get();
      assertThat(d.stats().failed()).isEqualTo(2);
      assertThat(d.stats().deadLettered()).isEqualTo(2);
      assertThat(d.stats().delivered()).isEqualTo(1);
    }

    List<ConsumerRecord<String, byte[]>> dead = KafkaTestSupport.readAll(settings, deadLetterTopic,
        new StringDeserializer(), new ByteArrayDeserializer(), 2, WAIT);
    assertThat(dead).hasSize(2).allSatisfy(r -> {
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(alertsTopic);
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_OFFSET)).matches("\\d+");
    });
    assertThat(dead).anySatisfy(r -> {
      assertThat(DeadLetterHeaders.get(r.headers(), AlertDispatcher.CHANNEL_HEADER)).isEqualTo("webhook");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).contains("HTTP 400");
    });
    assertThat(dead).anySatisfy(r -> {
      assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).startsWith("cannot read alert");
    });
    assertThat(receiver.received()).extracting(r -> r.header(WebhookSignature.IDEMPOTENCY_KEY_HEADER))
        .containsExactly(rejected.getAlertId(), fine.getAlertId());
  }
}
