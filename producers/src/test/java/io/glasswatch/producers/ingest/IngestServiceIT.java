package io.glasswatch.producers.ingest;

import io.glasswatch.producers.ingest.common.IngestSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.http.IngestServer;
import io.glasswatch.producers.ingest.http.RequestSignature;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest service started from one configuration: endpoint and tailer together, on the real test stack. */
class IngestServiceIT {
  private static final String SECRET = "service-it-secret-0123456789abcdef0123";

  @TempDir
  Path dir;

  @Test
  void runsTheEndpointAndATailerFromOneConfigurationAndReportsReadiness() throws Exception {
    GlasswatchSettings stack = TestStack.settings(Component.KAFKA, Component.REGISTRY);
    // the service writes the standard topic names: this test reads gateway-events for its own request ids
    KafkaTestSupport.createTopics(stack, 1, Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS,
        Topics.DEAD_LETTER);
    Path log = dir.resolve("audit.log");
    String run = Long.toHexString(System.nanoTime());
    Files.writeString(log, "{\"type\":\"request\",\"requestId\":\"tail-" + run + "\",\"subject\":\"a\",\"justification\":\"j\","
        + "\"ticketId\":\"T\",\"accountId\":\"111122223333\",\"timestamp\":\"2024-05-01T12:00:00Z\"}\n");
    GlasswatchSettings s = stack.with(IngestSettings.HTTP_LISTEN, "127.0.0.1:0")
        .with(IngestSettings.HMAC_SECRET, "it:" + SECRET)
        .with(IngestSettings.TAIL_FILES, log.toString())
        .with(IngestSettings.TAIL_INTERVAL, "100ms")
        .with(IngestSettings.CHECKPOINT_TOPIC, KafkaTestSupport.uniqueTopic(Topics.INGEST_CHECKPOINTS));
    try (IngestService svc = IngestService.start(s, line -> { })) {
      byte[] body = ("{\"type\":\"request\",\"requestId\":\"http-" + run + "\",\"subject\":\"a\",\"justification\":\"j\","
          + "\"ticketId\":\"T\",\"accountId\":\"111122223333\",\"timestamp\":\"2024-05-01T12:00:00Z\"}")
          .getBytes(StandardCharsets.UTF_8);
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + svc.httpPort() + IngestServer.EVENTS_PATH))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      RequestSignature.headers("it", SECRET.getBytes(StandardCharsets.UTF_8), "POST", IngestServer.EVENTS_PATH,
          Instant.now().getEpochSecond(), body).forEach(b::header);
      HttpClient http = HttpClient.newHttpClient();

      assertThat(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + svc.httpPort() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(200));
      await().atMost(Duration.ofSeconds(30)).until(() -> svc.metrics().eventsCount("tail") >= 1);
      // both acknowledged by Kafka (acks=all), counted once each; the service writes the standard topics,
      // which other tests share, so the counts are read from the service, not from the topic
      assertThat(svc.metrics().eventsCount("http")).isEqualTo(1);
      assertThat(svc.metrics().eventsCount("tail")).isEqualTo(1);
      assertThat(svc.metrics().scrape()).contains("glasswatch_ingest_checkpoints_total{source=\"tail\"");
    }
  }

  @Test
  void theEndpointAndATailerSendProgressMarksThatFollowTheirRecords() throws Exception {
    GlasswatchSettings stack = TestStack.settings(Component.KAFKA, Component.REGISTRY);
    KafkaTestSupport.createTopics(stack, 1, Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS,
        Topics.DEAD_LETTER);
    Path log = dir.resolve("gateway.log");
    String run = Long.toHexString(System.nanoTime());
    long start = System.currentTimeMillis();
    Files.writeString(log, "{\"type\":\"request\",\"requestId\":\"mark-" + run + "\",\"subject\":\"a\","
        + "\"justification\":\"j\",\"ticketId\":\"T\",\"accountId\":\"111122223333\",\"timestamp\":\"2024-05-01T12:00:00Z\"}\n");
    GlasswatchSettings s = stack.with(IngestSettings.HTTP_LISTEN, "127.0.0.1:0")
        .with(IngestSettings.HMAC_SECRET, "it:" + SECRET)
        .with(IngestSettings.TAIL_FILES, log.toString())
        .with(IngestSettings.TAIL_INTERVAL, "100ms")
        .with(IngestSettings.CHECKPOINT_TOPIC, KafkaTestSupport.uniqueTopic(Topics.INGEST_CHECKPOINTS));
    String tailSource = IngestService.SOURCE_TAIL_PREFIX + log;
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", stack.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put("enable.auto.commit", "false");
    try (IngestService svc = IngestService.start(s, line -> { });
        var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(p,
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      var partition = new org.apache.kafka.common.TopicPartition(Topics.GATEWAY_EVENTS, 0);
      consumer.assign(java.util.List.of(partition));
      consumer.seekToBeginning(java.util.List.of(partition));
      java.util.Map<String, Long> firstMarkOffset = new java.util.HashMap<>();
      long[] recordOffset = {-1};
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          var mark = io.glasswatch.kafka.ProgressMarks.read(r.headers(), r.partition(), r.timestamp());
          if (mark.isPresent() && r.timestamp() >= start) {
            firstMarkOffset.putIfAbsent(mark.get().source(), r.offset());
          } else if (r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains("mark-" + run)) {
            recordOffset[0] = r.offset();
          }
        }
        assertThat(firstMarkOffset).containsKeys(IngestService.SOURCE_HTTP, IngestService.SOURCE_JIT_WEBHOOK,
            tailSource);
        assertThat(recordOffset[0]).as("the tailed record").isNotNegative();
      });
      assertThat(firstMarkOffset.get(tailSource)).as("the tailer vouches for the line only after producing it")
          .isGreaterThan(recordOffset[0]);
    }
  }

  @Test
  void refusesToStartWithNothingConfigured() {
    GlasswatchSettings stack = TestStack.settings(Component.KAFKA);
    assertThatThrownBy(() -> IngestService.start(stack, line -> { }))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no ingest component configured");
  }
}
