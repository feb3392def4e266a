package io.glasswatch.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.GetResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.elasticsearch.client.ResponseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The timeline sink against real Kafka, Apicurio Registry and Elasticsearch (with security on):
 * exactly-once documents, the create-only sink user, dead-lettering, and commits that wait for
 * Elasticsearch.
 */
class TimelineSinkIT {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final Instant FEB = Instant.parse("2025-02-28T23:59:00Z");
  private static final Instant MAR = Instant.parse("2025-03-01T00:01:00Z");

  private static GlasswatchSettings settings;
  private static String prefix;
  private static ElasticsearchConnection admin;
  private static TimelineQueries queries;
  private static final List<TimelineSink> sinks = new ArrayList<>();

  @BeforeAll
  static void stack() {
    prefix = "glasswatch-timeline-it" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.ELASTICSEARCH)
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, prefix);
    TimelineIndexTemplate.install(settings);
    TimelineIndexTemplate.install(settings); // idempotent
    admin = ElasticsearchConnection.admin(settings);
    queries = new TimelineQueries(settings);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    sinks.forEach(TimelineSink::close);
    if (admin != null) {
      List<String> indices = new ArrayList<>(admin.client().indices()
          .get(g -> g.index(prefix + "-*").allowNoIndices(true).ignoreUnavailable(true)).result().keySet());
      if (!indices.isEmpty()) {
        admin.client().indices().delete(d -> d.index(indices));
      }
      admin.client().indices().deleteIndexTemplate(d -> d.name(TimelineIndexTemplate.name(prefix)));
      admin.close();
    }
    if (queries != null) {
      queries.close();
    }
  }

  private record Topics(String timeline, String deadLetter) {}

  private static Topics topics(int partitions) {
    Topics t = new Topics(KafkaTestSupport.uniqueTopic("timeline"), KafkaTestSupport.uniqueTopic("dead-letter"));
    KafkaTestSupport.createTopics(settings, partitions, t.timeline(), t.deadLetter());
    return t;
  }

  private static TimelineSink start(GlasswatchSettings s, Topics t, String group) {
    TimelineSinkOptions options = TimelineSinkOptions.defaults()
        .withTopics(t.timeline(), t.deadLetter())
        .withGroupId(group)
        .withBulk(100, Duration.ofMillis(50))
        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .withDrainTimeout(Duration.ofSeconds(2));
    TimelineSink sink = new TimelineSink(s, options);
    sinks.add(sink);
    sink.start();
    return sink;
  }

  private static void awaitIdle(TimelineSink sink) {
    await("sink idle: " + sink).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(sink::isIdle);
  }

  /** {@code chains} correlations of {@code perChain} hash-chained entries, half in February, half in March. */
  private static List<TimelineEntry> entries(String tag, int chains, int perChain) {
    List<TimelineEntry> out = new ArrayList<>();
    for (int c = 0; c < chains; c++) {
      String correlation = tag + "-req-" + c;
      String prev = null;
      for (int i = 1; i <= perChain; i++) {
        Instant at = (i <= perChain / 2 ? FEB : MAR).plusSeconds(i);
        TimelineEntry e = TimelineEntries.usage(correlation, i, at, prev);
        prev = e.getHash();
        out.add(e);
      }
    }
    return out;
  }

  private static List<RecordMetadata> produce(String topic, List<TimelineEntry> entries) throws Exception {
    var serializer = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL))
        .value(TimelineEntry.class).serializer();
    List<RecordMetadata> out = new ArrayList<>();
    try (KafkaProducer<String, TimelineEntry> producer = new KafkaProducer<>(
        KafkaTestSupport.producerProperties(settings), new StringSerializer(), serializer)) {
      List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
      for (TimelineEntry e : entries) {
        futures.add(producer.send(new ProducerRecord<>(topic, e.getCorrelationId(), e)));
      }
      for (var f : futures) {
        out.add(f.get());
      }
    }
    return out;
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
    try (Admin a = Admin.create(KafkaTestSupport.adminProperties(settings))) {
      return a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }
  }

  private static long countIn(String index) throws IOException {
    ElasticsearchClient c = admin.client();
    c.indices().refresh(r -> r.index(index));
    return c.count(r -> r.index(index)).count();
  }

  @Test
  void indexesEveryEntryExactlyOnceAndCountsRedeliveriesAsDuplicates() throws Exception {
    Topics t = topics(3);
    List<TimelineEntry> entries = entries("once", 6, 20);
    int n = entries.size();
    produce(t.timeline(), entries);
    String group = "sink-it-" + UUID.randomUUID();

    TimelineSink first = start(settings, t, group);
    awaitIdle(first);
    assertThat(first.indexed()).isEqualTo(n);
    assertThat(first.duplicates()).isZero();
    assertThat(first.deadLettered()).isZero();
    first.close();
    assertThat(committed(group).values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(n);

    String corr = "once-req-3";
    assertThat(queries.count(corr)).isEqualTo(20);
    assertThat(countIn(prefix + "-2025.02")).isEqualTo(n / 2);
    assertThat(countIn(prefix + "-2025.03")).isEqualTo(n / 2);

    // the same entries again, read by the same group after a restart: every one is a duplicate
    produce(t.timeline(), entries);
    TimelineSink second = start(settings, t, group);
    awaitIdle(second);
    assertThat(second.consumed()).isEqualTo(n);
    assertThat(second.duplicates()).isEqualTo(n);
    assertThat(second.indexed()).isZero();
    second.close();

    // a new group re-reads everything from the beginning: still no new document
    TimelineSink third = start(settings, t, "sink-it-" + UUID.randomUUID());
    awaitIdle(third);
    assertThat(third.duplicates()).isEqualTo(2L * n);
    assertThat(third.indexed()).isZero();
    third.close();

    assertThat(queries.count(corr)).isEqualTo(20);
    List<Map<String, Object>> timeline = queries.timeline(corr);
    assertThat(timeline).extracting(d -> ((Number) ((Map<?, ?>) d.get("glasswatch")).get("sequence")).longValue())
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
    for (int i = 1; i < timeline.size(); i++) {
      assertThat(((Map<?, ?>) timeline.get(i).get("glasswatch")).get("prev_hash"))
          .isEqualTo(((Map<?, ?>) timeline.get(i - 1).get("glasswatch")).get("hash"));
    }
    assertThat(queries.correlationIds()).filteredOn(id -> id.startsWith("once-"))
        .containsExactly("once-req-0", "once-req-1", "once-req-2", "once-req-3", "once-req-4", "once-req-5");

    TimelineEntry sample = entries.get(0);
    @SuppressWarnings("rawtypes")
    GetResponse<Map> doc = admin.client().get(g -> g.index(TimelineDocuments.indexName(prefix, sample))
        .id(sample.getEntryId()), Map.class);
    assertThat(doc.found()).isTrue();
    assertThat(doc.source()).isEqualTo(
        new ObjectMapper().readValue(TimelineDocuments.toJson(TimelineDocuments.toDocument(sample)), Map.class));
  }

  @Test
  void sinkUserCanCreateButNeverOverwriteUpdateOrDeleteADocument() throws Exception {
    TimelineEntry e = TimelineEntries.usage("acl-req", 1, MAR, null);
    String index = TimelineDocuments.indexName(prefix, e);
    Map<String, Object> doc = TimelineDocuments.toDocument(e);
    Map<String, Object> forged = TimelineDocuments.toDocument(e);
    forged.put("message", "nothing happened");

    try (ElasticsearchConnection sink = ElasticsearchConnection.sink(settings)) {
      ElasticsearchClient c = sink.client();
      assertThat(c.create(r -> r.index(index).id(e.getEntryId()).document(doc)).result().jsonValue())
          .isEqualTo("created");
      assertThatThrownBy(() -> c.create(r -> r.index(index).id(e.getEntryId()).document(forged)))
          .satisfies(ex -> assertError(ex, 409, "version_conflict_engine_exception"));
      assertThatThrownBy(() -> c.index(r -> r.index(index).id(e.getEntryId()).document(forged)))
          .satisfies(TimelineSinkIT::assertSecurityException);
      assertThatThrownBy(() -> c.update(u -> u.index(index).id(e.getEntryId()).doc(Map.of("message", "edited")),
          Map.class))
          .satisfies(TimelineSinkIT::assertSecurityException);
      assertThatThrownBy(() -> c.delete(d -> d.index(index).id(e.getEntryId())))
          .satisfies(TimelineSinkIT::assertSecurityException);
      assertThatThrownBy(() -> c.indices().delete(d -> d.index(index)))
          .satisfies(TimelineSinkIT::assertSecurityException);
      assertThatThrownBy(() -> TimelineIndexTemplate.install(c, prefix))
          .satisfies(TimelineSinkIT::assertSecurityException);
    }
    @SuppressWarnings("rawtypes")
    GetResponse<Map> stored = admin.client().get(g -> g.index(index).id(e.getEntryId()), Map.class);
    assertThat(stored.source()).containsEntry("message", e.getMessage());
    assertThat(stored.version()).isEqualTo(1L);
  }

  @Test
  void readerQueriesTheTimelineWhileTheSinkUserCannotReadIt() throws Exception {
    TimelineEntry e = TimelineEntries.usage("read-req", 1, MAR, null);
    try (ElasticsearchConnection sink = ElasticsearchConnection.sink(settings);
         ElasticsearchConnection reader = new ElasticsearchConnection(settings.get(GlasswatchSettings.ES_URL),
             settings.get("elasticsearch.reader.username"), settings.get("elasticsearch.reader.password"))) {
      sink.client().create(r -> r.index(TimelineDocuments.indexName(prefix, e)).id(e.getEntryId())
          .document(TimelineDocuments.toDocument(e)));
      TimelineQueries asReader = new TimelineQueries(reader.client(), prefix);
      // the reader may not refresh: the document shows once the index refreshes itself
      await("reader sees the entry").atMost(WAIT).until(() -> asReader.count("read-req") == 1);
      assertThat(asReader.timeline("read-req")).singleElement()
          .satisfies(d -> assertThat(d).containsEntry("message", e.getMessage()));
      assertThat(asReader.correlationIds()).contains("read-req");

      TimelineQueries asSink = new TimelineQueries(sink.client(), prefix);
      assertThatThrownBy(() -> asSink.count("read-req")).satisfies(TimelineSinkIT::assertSecurityException);
      assertThatThrownBy(() -> reader.client().create(r -> r.index(TimelineDocuments.indexName(prefix, e))
          .id("forged").document(TimelineDocuments.toDocument(e))))
          .satisfies(TimelineSinkIT::assertSecurityException);
    }
  }

  private static void assertSecurityException(Throwable ex) {
    assertError(ex, 403, "security_exception");
  }

  /**
   * Asserts an Elasticsearch error response: the typed client raises {@link ElasticsearchException}
   * for most APIs, and the low-level {@link ResponseException} (body in the message) for some.
   */
  private static void assertError(Throwable ex, int status, String type) {
    if (ex instanceof ElasticsearchException ee) {
      assertThat(ee.status()).isEqualTo(status);
      assertThat(ee.error().type()).isEqualTo(type);
    } else {
      assertThat(ex).isInstanceOf(ResponseException.class);
      ResponseException re = (ResponseException) ex;
      assertThat(re.getResponse().getStatusLine().getStatusCode()).isEqualTo(status);
      assertThat(re.getMessage()).contains("\"type\":\"" + type + "\"");
    }
  }

  @Test
  void deadLettersWhatElasticsearchRejectsOrCannotBeReadAndIndexesTheRest() throws Exception {
    Topics t = topics(1);
    List<TimelineEntry> entries = entries("dlq", 1, 10);
    TimelineEntry tooDeep = TimelineEntries.usage("dlq-bad", 1, MAR, null);
    // glasswatch.details is flattened with depth_limit 8: ten levels violate the strict mapping
    tooDeep.setDetails("{\"a\":".repeat(10) + "1" + "}".repeat(10));
    List<TimelineEntry> all = new ArrayList<>(entries.subList(0, 5));
    all.add(tooDeep);
    all.addAll(entries.subList(5, 10));
    List<RecordMetadata> written = produce(t.timeline(), all);
    long rejectedOffset = written.get(5).offset();
    byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    long garbageOffset;
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(KafkaTestSupport.producerProperties(settings),
        new StringSerializer(), new ByteArraySerializer())) {
      garbageOffset = raw.send(new ProducerRecord<>(t.timeline(), "dlq-garbage", garbage)).get().offset();
    }
    String group = "sink-it-" + UUID.randomUUID();

    TimelineSink sink = start(settings, t, group);
    awaitIdle(sink);
    assertThat(sink.indexed()).isEqualTo(10);
    assertThat(sink.deadLettered()).isEqualTo(2);
    assertThat(queries.count("dlq-req-0")).isEqualTo(10);
    assertThat(queries.count("dlq-bad")).isZero();
    assertThat(committed(group)).containsEntry(new TopicPartition(t.timeline(), 0),
        new OffsetAndMetadata(garbageOffset + 1));

    List<ConsumerRecord<String, byte[]>> dead = KafkaTestSupport.readAll(settings, t.deadLetter(),
        new StringDeserializer(), new ByteArrayDeserializer(), 2, WAIT);
    assertThat(dead).hasSize(2);
    ConsumerRecord<String, byte[]> rejected = dead.stream()
        .filter(r -> "dlq-bad".equals(r.key())).findFirst().orElseThrow();
    Map<?, ?> json = new ObjectMapper().readValue(rejected.value(), Map.class);
    assertThat(((Map<?, ?>) json.get("glasswatch")).get("entry_id")).isEqualTo(tooDeep.getEntryId());
    assertThat(DeadLetterHeaders.get(rejected.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(t.timeline());
    assertThat(DeadLetterHeaders.get(rejected.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(DeadLetterHeaders.get(rejected.headers(), DeadLetterHeaders.SOURCE_OFFSET))
        .isEqualTo(Long.toString(rejectedOffset));
    assertThat(DeadLetterHeaders.get(rejected.headers(), DeadLetterHeaders.REASON))
        .startsWith("Elasticsearch rejected the document: 400").contains("glasswatch.details");

    ConsumerRecord<String, byte[]> unreadable = dead.stream()
        .filter(r -> "dlq-garbage".equals(r.key())).findFirst().orElseThrow();
    assertThat(unreadable.value()).isEqualTo(garbage);
    assertThat(DeadLetterHeaders.get(unreadable.headers(), DeadLetterHeaders.SOURCE_OFFSET))
        .isEqualTo(Long.toString(garbageOffset));
    assertThat(DeadLetterHeaders.get(unreadable.headers(), DeadLetterHeaders.REASON))
        .startsWith("cannot read a TimelineEntry");
    sink.close();
  }

  @Test
  void commitsNothingWhileElasticsearchIsDownAndLosesNothingOnceItIsBack() throws Exception {
    Topics t = topics(2);
    List<TimelineEntry> entries = entries("down", 2, 10);
    produce(t.timeline(), entries);
    String group = "sink-it-" + UUID.randomUUID();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    GlasswatchSettings down = settings.with(GlasswatchSettings.ES_URL, "http://127.0.0.1:" + deadPort);

    TimelineSink blocked = start(down, t, group);
    await("retries while Elasticsearch is down").atMost(WAIT)
        .until(() -> blocked.consumed() == entries.size() && blocked.retries() >= 2L * entries.size());
    assertThat(blocked.indexedOrDuplicate()).isZero();
    assertThat(blocked.isIdle()).isFalse();
    assertThat(committed(group)).isEmpty();
    blocked.close();
    assertThat(committed(group)).isEmpty();

    TimelineSink recovered = start(settings, t, group);
    awaitIdle(recovered);
    assertThat(recovered.indexed()).isEqualTo(entries.size());
    assertThat(queries.count("down-req-0") + queries.count("down-req-1")).isEqualTo(entries.size());
    assertThat(committed(group).values().stream().mapToLong(OffsetAndMetadata::offset).sum())
        .isEqualTo(entries.size());
    recovered.close();
    assertThat(entries.stream().map(TimelineEntry::getCorrelationId).collect(Collectors.toSet())).hasSize(2);
  }
}
