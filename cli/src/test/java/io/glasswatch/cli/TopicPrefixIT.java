package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.cli.Pipeline.Service;
import io.glasswatch.cli.demo.DemoScenarios;
import io.glasswatch.cli.demo.TopicReader;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import io.glasswatch.testing.KafkaTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Glasswatch instances with different topic prefixes ({@code kafka.topic-prefix}) on one Kafka: the
 * records produced to one reach its streams app and its on-call dispatcher, and nothing of them reaches
 * the other's topics or services, which run at the same time.
 */
class TopicPrefixIT {
  @TempDir Path dir;

  @Test
  void twoPipelinesWithDifferentPrefixesOnOneKafkaDoNotSeeEachOthersRecords() throws Exception {
    GlasswatchSettings a = ItNamespace.prepare("prefix-a", dir.resolve("a"));
    GlasswatchSettings b = ItNamespace.prepare("prefix-b", dir.resolve("b"));
    TopicNames namesA = TopicNames.from(a);
    TopicNames namesB = TopicNames.from(b);
    assertThat(namesA.prefix()).startsWith("it-prefix-a-").isNotEqualTo(namesB.prefix());
    try (Admin admin = Admin.create(KafkaTestSupport.adminProperties(a))) {
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(topics).containsAll(namesA.all()).containsAll(namesB.all());
    }
    Path input = DemoScenarios.extract(dir.resolve("scenarios")).get(3);
    Set<Service> services = EnumSet.of(Service.STREAMS, Service.ALERTS);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    try (Pipeline pa = Pipeline.start(a, services, quiet); Pipeline pb = Pipeline.start(b, services, quiet)) {
      int status = GlasswatchCli.execute(a, quiet, quiet, "produce", "--sorted", "--clock-tick", input.toString());
      assertThat(status).isZero();

      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(TopicReader.readAll(a, Topics.ALERTS, Alert.class)).as("A detects on its own input").isNotEmpty();
        assertThat(pa.dispatcher().stats().recordsRead()).as("A's dispatcher reads A's alerts").isPositive();
      });
      assertThat(TopicReader.readAll(a, Topics.GATEWAY_EVENTS, GatewayEvent.class)).isNotEmpty();
      assertThat(TopicReader.readAll(a, Topics.TIMELINE, TimelineEntry.class)).isNotEmpty();

      // B ran all along: its inputs, outputs and dispatcher saw none of A's records
      assertThat(TopicReader.readAll(b, Topics.GATEWAY_EVENTS, GatewayEvent.class)).isEmpty();
      assertThat(TopicReader.readAll(b, Topics.ALERTS, Alert.class)).isEmpty();
      assertThat(TopicReader.readAll(b, Topics.TIMELINE, TimelineEntry.class)).isEmpty();
      assertThat(pb.dispatcher().stats().recordsRead()).isZero();
      assertThat(pb.streams().state().toString()).isEqualTo("RUNNING");
    }
  }
}
