package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.alerts.testing.HttpReceiver;
import io.glasswatch.alerts.testing.TestAlerts;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart guarantee with a real process kill: the dispatcher runs in a child JVM
 * ({@link DispatcherProcess}) and is killed with SIGKILL while its send of the fourth alert is in the
 * receiver's hands and not yet recorded; a second process delivers the rest. No alert is lost, and a
 * receiver that deduplicates by {@code Idempotency-Key} sees each alert once (only the in-flight send
 * is repeated, with the same key).
 */
class DispatcherKillIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final List<Process> processes = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Process dispatcher(GlasswatchSettings s, List<String> topics, String group, String slackUrl, String name)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), DispatcherProcess.class.getName(),
        s.get(GlasswatchSettings.KAFKA_BOOTSTRAP), s.get(GlasswatchSettings.REGISTRY_URL)));
    cmd.addAll(topics);
    cmd.addAll(List.of(group, slackUrl));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
    processes.add(p);
    return p;
  }

  @Test
  void aDispatcherKilledWithSigkillBetweenSendAndRecordLosesNoAlertAndDuplicatesNone() throws Exception {
    GlasswatchSettings s = TestStack.settings(Component.KAFKA, Component.REGISTRY);
    String alerts = KafkaTestSupport.uniqueTopic("alerts");
    String resolutions = KafkaTestSupport.uniqueTopic("alert-resolutions");
    String results = KafkaTestSupport.uniqueTopic("revoke-results");
    List<String> topics = List.of(alerts, resolutions, results, KafkaTestSupport.uniqueTopic("alert-deliveries"),
        KafkaTestSupport.uniqueTopic("dead-letter"), KafkaTestSupport.uniqueTopic("alert-delivery-events"));
    KafkaTestSupport.createTopics(s, 2, alerts, resolutions, results, topics.get(4));
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<String, Alert> p = new KafkaProducer<>(KafkaTestSupport.producerProperties(s), new StringSerializer(),
        AvroSerdes.registry(s.get(GlasswatchSettings.REGISTRY_URL)).value(Alert.class).serializer())) {
      for (int i = 0; i < 8; i++) {
        Alert a = Alert.newBuilder(TestAlerts.rootUse("kill-" + i)).setAlertType("TOKEN_REUSE").setSeverity("high")
            .setCorrelationId("req-kill-" + i).setRequestId("req-kill-" + i).build();
        ids.add(a.getAlertId());
        p.send(new ProducerRecord<>(alerts, a.getCorrelationId(), a));
      }
      p.flush();
    }
    String group = KafkaTestSupport.uniqueTopic("g");
    try (HttpReceiver slack = HttpReceiver.json(200, "ok")) {
      // three sends answered, the fourth held: the process dies while it waits for the answer
      slack.then(200, Map.of()).then(200, Map.of()).then(200, Map.of()).thenHang();
      String url = slack.url("/hook").toString();
      Process first = dispatcher(s, topics, group, url, "first");
      await().atMost(WAIT).until(() -> slack.received().size() == 4);
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
      assertThat(slack.uniqueKeys()).hasSize(4);

      dispatcher(s, topics, group, url, "second");
      await().atMost(WAIT).until(() -> slack.uniqueKeys().size() == 8);
      assertThat(slack.uniqueKeys()).containsExactlyInAnyOrderElementsOf(ids);
      // the held send is the one repeated, with its key; nothing recorded before the kill is sent again
      await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> slack.received().size() == 9);
      List<String> keys = slack.received().stream().map(HttpReceiver.Received::idempotencyKey).toList();
      assertThat(keys.subList(4, 9)).contains(keys.get(3));
      assertThat(keys.subList(0, 3)).doesNotContainAnyElementsOf(keys.subList(4, 9));
    }
  }
}
