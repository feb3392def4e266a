package io.glasswatch.producers.ingest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CloudTrail log directory watcher and the JSON-lines tailer against the test stack's real Kafka. */
class FileIngestIT {
  private static GlasswatchSettings settings;

  @TempDir
  Path dir;

  private IngestKafka kafka;
  private EventProducer producer;
  private final IngestMetrics metrics = new IngestMetrics();

  @BeforeAll
  static void stack() {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void start() {
    kafka = new IngestKafka(settings);
    producer = kafka.producer();
  }

  @AfterEach
  void stop() {
    producer.close();
    kafka.close();
  }

  private static String record(String id) {
    return """
        {"eventVersion":"1.08","eventTime":"2024-05-01T12:05:00Z","eventSource":"signin.amazonaws.com",
         "eventName":"ConsoleLogin","awsRegion":"us-east-1","eventID":"%s","eventType":"AwsConsoleSignIn",
         "recipientAccountId":"111122223333","userIdentity":{"type":"Root","accountId":"111122223333"},
         "responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"}}""".formatted(id);
  }

  private static String gateway(int n) {
    return "{\"type\":\"request\",\"requestId\":\"req-" + n + "\",\"subject\":\"alice\",\"justification\":\"j\","
        + "\"ticketId\":\"INC-1\",\"accountId\":\"111122223333\",\"timestamp\":\"2024-05-01T12:00:00Z\"}\n";
  }

  private static void append(Path f, String text) throws IOException {
    Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void readsEachSettledLogFileOnceGzippedOrNotAndRemembersItAcrossRestarts() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01"));
    Files.writeString(logs.resolve("a.json"), "{\"Records\":[" + record("ct-1") + "," + record("ct-2") + "]}");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(logs.resolve("b.json.gz")))) {
      out.write(("{\"Records\":[" + record("ct-3") + "]}").getBytes(StandardCharsets.UTF_8));
    }
    try (CheckpointStore store = kafka.checkpoints()) {
      CloudTrailLogWatcher w = new CloudTrailLogWatcher(List.of(dir), store, producer, metrics, Clock.systemUTC());

      assertThat(w.scanOnce()).as("files are read once unchanged over two scans").isEmpty();
      assertThat(w.scanOnce()).extracting(p -> p.getFileName().toString()).containsExactly("a.json", "b.json.gz");
      assertThat(w.scanOnce()).isEmpty();
      assertThat(w.record(logs.resolve("a.json")).get("events").asLong()).isEqualTo(2);
    }
    Files.writeString(logs.resolve("c.json"), "{\"Records\":[" + record("ct-4") + "]}");
    try (CheckpointStore restarted = kafka.checkpoints()) {
      CloudTrailLogWatcher w = new CloudTrailLogWatcher(List.of(dir), restarted, producer, metrics, Clock.systemUTC());
      w.scanOnce();

      assertThat(w.scanOnce()).extracting(p -> p.getFileName().toString()).containsExactly("c.json");
    }
    assertThat(kafka.read(Topics.CLOUDTRAIL_EVENTS, CloudTrailEvent.class, 4))
        .extracting(r -> r.value().getEventID().toString()).containsExactly("ct-1", "ct-2", "ct-3", "ct-4");
    assertThat(kafka.count(Topics.CLOUDTRAIL_EVENTS)).isEqualTo(4);
  }

  @Test
  void tailsAppendedLinesWaitsForPartialLinesAndNamesTheLineOfABadOne() throws Exception {
    Path log = dir.resolve("break-glass-events.log");
    append(log, gateway(1) + "{\"type\":\"request\"\n" + gateway(2) + "{\"type\":\"requ");
    try (CheckpointStore store = kafka.checkpoints();
        JsonLinesTailer t = new JsonLinesTailer(log, store, producer, metrics, Clock.systemUTC())) {
      assertThat(t.pollOnce()).isEqualTo(3);
      append(log, "est\",\"requestId\":\"req-3\",\"subject\":\"alice\",\"justification\":\"j\",\"ticketId\":\"T\","
          + "\"accountId\":\"111122223333\",\"timestamp\":\"2024-05-01T12:00:00Z\"}\n");
      assertThat(t.pollOnce()).isEqualTo(1);
      assertThat(t.pollOnce()).isZero();
    }
    assertThat(kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 3)).extracting(r -> r.key())
        .containsExactly("req-1", "req-2", "req-3");
    var dead = kafka.readDeadLetters(1).getFirst();
    assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.LINE).value(), StandardCharsets.UTF_8)).isEqualTo("2");
    assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.FILE).value(), StandardCharsets.UTF_8))
        .endsWith("break-glass-events.log");
  }

  @Test
  void followsARenameRotationWithoutSkippingTheOldFilesLastLines() throws Exception {
    Path log = dir.resolve("audit.log");
    append(log, gateway(1));
    try (CheckpointStore store = kafka.checkpoints();
        JsonLinesTailer t = new JsonLinesTailer(log, store, producer, metrics, Clock.systemUTC())) {
      assertThat(t.pollOnce()).isEqualTo(1);
      append(log, gateway(2)); // written just before the rotation, not read yet
      Files.move(log, dir.resolve("audit.log.1"));
      append(log, gateway(3));

      assertThat(t.pollOnce()).isEqualTo(2);
    }
    assertThat(kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 3)).extracting(r -> r.key())
        .containsExactly("req-1", "req-2", "req-3");
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isEqualTo(3);
  }

  @Test
  void resumesAfterRestartInTheSameFileAndInAFileRotatedWhileStopped() throws Exception {
    Path log = dir.resolve("audit.log");
    append(log, gateway(1) + gateway(2));
    try (CheckpointStore store = kafka.checkpoints();
        JsonLinesTailer t = new JsonLinesTailer(log, store, producer, metrics, Clock.systemUTC())) {
      assertThat(t.pollOnce()).isEqualTo(2);
    }
    append(log, gateway(3));
    try (CheckpointStore store = kafka.checkpoints();
        JsonLinesTailer t = new JsonLinesTailer(log, store, producer, metrics, Clock.systemUTC())) {
      assertThat(t.pollOnce()).as("same file: from the checkpoint on").isEqualTo(1);
    }
    append(log, gateway(4));
    Files.move(log, dir.resolve("audit.log.1"));
    append(log, gateway(5));
    try (CheckpointStore store = kafka.checkpoints();
        JsonLinesTailer t = new JsonLinesTailer(log, store, producer, metrics, Clock.systemUTC())) {
      assertThat(t.pollOnce()).as("rest of the rotated file, then the new one").isEqualTo(2);
    }
    assertThat(kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 5)).extracting(r -> r.key())
        .containsExactly("req-1", "req-2", "req-3", "req-4", "req-5");
    assertThat(kafka.count(Topics.GATEWAY_EVENTS)).isEqualTo(5);
  }

  @Test
  void startsAgainFromTheTopWhenTheFileWasTruncatedInPlace() throws Exception {
    Path log = dir.resolve("audit.log");
    append(log, gateway(1) + gateway(2));
    try (CheckpointStore store = kafka.checkpoints();
        JsonLinesTailer t = new JsonLinesTailer(log, store, producer, metrics, Clock.systemUTC())) {
      assertThat(t.pollOnce()).isEqualTo(2);
      Files.writeString(log, gateway(3), StandardOpenOption.TRUNCATE_EXISTING); // copytruncate, then a write

      assertThat(t.pollOnce()).isEqualTo(1);
    }
    assertThat(kafka.read(Topics.GATEWAY_EVENTS, GatewayEvent.class, 3)).extracting(r -> r.key())
        .containsExactly("req-1", "req-2", "req-3");
  }
}
