package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.cli.demo.OnCallReceivers;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glasswatch serve} as an operator runs it: a child JVM on the real local stack, given
 * {@code --policy X} while the setting {@code policy.file} names another file, then stopped with
 * SIGTERM as systemd and Kubernetes stop it.
 */
class ServeProcessIT {
  @TempDir Path dir;

  private OnCallReceivers receivers;
  private Process serve;

  @BeforeEach
  void startReceivers() throws IOException {
    receivers = OnCallReceivers.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (serve != null && serve.isAlive()) {
      serve.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    receivers.close();
  }

  private boolean received(String channel, String text) {
    return receivers.received(channel).stream().anyMatch(body -> body.toString().contains(text));
  }

  @Test
  void serveRoutesByTheGivenPolicyAndStopsEveryServiceOnceOnSigtermWithStatusZero() throws Exception {
    String run = "serve-it-" + UUID.randomUUID().toString().substring(0, 8);
    GlasswatchSettings s = TestStack.settings(Component.values());
    Path chosen = dir.resolve("chosen-policy.yaml");
    Files.writeString(chosen, "routing:\n  default: [slack]\n");
    Path configured = dir.resolve("configured-policy.yaml");
    Files.writeString(configured, "routing:\n  default: [mattermost]\n");
    Properties config = new Properties();
    s.asMap().forEach(config::setProperty);
    config.setProperty(GlasswatchSettings.POLICY_FILE, configured.toString());
    config.setProperty(GlasswatchSettings.STREAMS_APP_ID, run);
    config.setProperty(GlasswatchSettings.TOPIC_PREFIX, run + "-");
    config.setProperty(GlasswatchSettings.STREAMS_STATE_DIR, dir.resolve("state").toString());
    config.setProperty(GlasswatchSettings.ES_TIMELINE_INDEX, "glasswatch-timeline-" + run);
    config.setProperty(GlasswatchSettings.SLACK_WEBHOOK_URL, receivers.slackUrl());
    config.setProperty(GlasswatchSettings.MATTERMOST_WEBHOOK_URL, receivers.mattermostUrl());
    Path configFile = dir.resolve("glasswatch.properties");
    try (Writer w = Files.newBufferedWriter(configFile)) {
      config.store(w, null);
    }
    Path out = dir.resolve("serve.out");
    Path err = dir.resolve("serve.err");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", classpath, GlasswatchCli.class.getName(),
        "serve", "--config", configFile.toString(), "--policy", chosen.toString()));
    serve = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();

    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250)).until(() ->
        !serve.isAlive() || Files.readString(out).contains("running; stop with Ctrl-C or SIGTERM"));
    assertThat(serve.isAlive()).as("serve exited early: %s", Files.readString(err)).isTrue();

    String alertId = run + "-alert";
    try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(KafkaTestSupport.producerProperties(s),
        new StringSerializer(), AvroSerdes.registry(s.get(GlasswatchSettings.REGISTRY_URL)).value(Alert.class).serializer())) {
      producer.send(new ProducerRecord<>(run + "-" + Topics.ALERTS, "account:123456789012", alert(alertId))).get();
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> received(OnCallReceivers.SLACK, run));
    assertThat(received(OnCallReceivers.MATTERMOST, run)).as("the routing of policy.file is not used when --policy is given")
        .isFalse();

    serve.destroy(); // SIGTERM
    assertThat(serve.waitFor(120, TimeUnit.SECONDS)).as("serve stops within 120 s").isTrue();
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertThat(serve.exitValue()).as("exit status; stderr: %s", stderr).isZero();
    assertThat(stderr).doesNotContain("out of bounds").doesNotContain("glasswatch:");
    List<String> stops = stdout.lines().filter(l -> l.startsWith("stopped ")).toList();
    assertThat(stdout).contains("stopping (SIGTERM)");
    assertThat(stops).as("each service stops once, newest first").containsExactly(
        "stopped streams app", "stopped alert delivery", "stopped session containment",
        "stopped session containment client", "stopped revoke executor",
        "stopped IAM Identity Center client", "stopped timeline sink", "stopped pipeline");
  }

  private static Alert alert(String alertId) {
    return Alert.newBuilder()
        .setAlertId(alertId)
        .setAlertType("UNAUTHORIZED_ROOT_USE")
        .setSeverity("critical")
        .setCorrelationId("account:123456789012")
        .setRequestId(null)
        .setAccountId("123456789012")
        .setSubject("root")
        .setEvidence(List.of("ct-1"))
        .setDetectedAt(Instant.now())
        .setEventTime(Instant.now())
        .setSummary("Root user activity in account 123456789012 (" + alertId + ").")
        .setRunbook("https://runbooks.example.com/break-glass#unauthorized-root-use")
        .setActions(List.of("page"))
        .setRevokedRequestIds(List.of())
        .build();
  }
}
