package io.glasswatch.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.stack.Component;
import io.glasswatch.stack.ComponentStatus;
import io.glasswatch.stack.LocalStack;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Stopping the real Elasticsearch server (its process, through the test stack's pid file) while
 * timeline entries flow, then starting it again: every entry ends up in Elasticsearch exactly once
 * and every chain verifies.
 */
class TimelineSinkFaultIT {
  private static final int CHAINS = 20;
  private static final int PER_CHAIN = 100;

  @Test
  void elasticsearchStoppedWhileEntriesFlowLosesAndDuplicatesNothing() throws Exception {
    String prefix = "glasswatch-timeline-fault" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    GlasswatchSettings settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.ELASTICSEARCH)
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, prefix);
    TimelineIndexTemplate.install(settings);
    String topic = KafkaTestSupport.uniqueTopic("timeline-fault");
    String dlq = KafkaTestSupport.uniqueTopic("dead-letter-fault");
    KafkaTestSupport.createTopics(settings, 3, topic, dlq);

    // entries of CHAINS chains, interleaved, produced at about 500 per second in the background
    List<TimelineEntry> entries = new ArrayList<>();
    Instant t0 = Instant.parse("2025-03-01T00:00:00Z");
    String[] prev = new String[CHAINS];
    for (int i = 0; i < PER_CHAIN; i++) {
      for (int c = 0; c < CHAINS; c++) {
        TimelineEntry e = TimelineEntries.usage("fault-req-" + c, i + 1, t0.plusSeconds(i), prev[c]);
        prev[c] = e.getHash();
        entries.add(e);
      }
    }
    KafkaProducer<String, TimelineEntry> producer = new KafkaProducer<>(KafkaTestSupport.producerProperties(settings),
        new StringSerializer(), AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL))
            .value(TimelineEntry.class).serializer());
    AtomicInteger sent = new AtomicInteger();
    ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
    feeder.scheduleAtFixedRate(() -> {
      for (int k = 0; k < 10 && sent.get() < entries.size(); k++) {
        TimelineEntry e = entries.get(sent.getAndIncrement());
        producer.send(new ProducerRecord<>(topic, e.getCorrelationId(), e));
      }
    }, 0, 20, TimeUnit.MILLISECONDS);

    TimelineSinkOptions options = TimelineSinkOptions.defaults().withTopics(topic, dlq)
        .withGroupId("fault-" + UUID.randomUUID())
        .withBulk(200, Duration.ofMillis(50))
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    LocalStack stack = new LocalStack(TestStack.baseSettings());
    try (TimelineSink sink = new TimelineSink(settings, options)) {
      sink.start();
      await("documents flowing").atMost(Duration.ofSeconds(60)).until(() -> sink.indexed() >= 200);

      stack.down(Set.of(Component.ELASTICSEARCH), line -> System.err.println("[fault] " + line));
      assertThat(stack.status(Component.ELASTICSEARCH).state()).isNotIn(ComponentStatus.State.RUNNING_OWNED,
          ComponentStatus.State.RUNNING_EXTERNAL);
      long indexedWhenStopped = sink.indexed();
      long retriesWhenStopped = sink.retries();
      await("entries consumed and retried while Elasticsearch is down").atMost(Duration.ofSeconds(60))
          .until(() -> sent.get() == entries.size() && sink.retries() > retriesWhenStopped + 50);
      assertThat(sink.indexed()).isLessThan(entries.size());
      assertThat(sink.indexed()).isLessThanOrEqualTo(indexedWhenStopped + options.bulkMaxOperations()
          * (long) options.maxConcurrentRequests());
      assertThat(sink.isIdle()).isFalse();

      TestStack.settings(Component.ELASTICSEARCH);
      await("sink idle after Elasticsearch is back").atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200)).until(sink::isIdle);
      assertThat(sink.indexedOrDuplicate()).isGreaterThanOrEqualTo(entries.size());
      assertThat(sink.deadLettered()).isZero();
    } finally {
      feeder.shutdownNow();
      producer.close();
    }

    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(settings);
        TimelineQueries q = new TimelineQueries(admin.client(), prefix)) {
      ElasticsearchClient c = admin.client();
      assertThat(q.count()).isEqualTo(entries.size());
      var twice = c.search(s -> s.index(prefix + "-*").size(0).aggregations("ids", a -> a.terms(t -> t
          .field("glasswatch.entry_id").minDocCount(2).size(10))), Void.class);
      List<StringTermsBucket> dup = twice.aggregations().get("ids").sterms().buckets().array();
      assertThat(dup).as("entries written twice").isEmpty();
      for (int chain = 0; chain < CHAINS; chain++) {
        TimelineVerifier.ChainReport r = TimelineVerifier.verify("fault-req-" + chain, q.timeline("fault-req-" + chain));
        assertThat(r.findings()).isEmpty();
        assertThat(r.headSequence()).isEqualTo(PER_CHAIN);
      }
      List<String> indices = new ArrayList<>(c.indices().get(g -> g.index(prefix + "-*")).result().keySet());
      c.indices().delete(d -> d.index(indices));
      c.indices().deleteIndexTemplate(d -> d.name(prefix));
    }
    KafkaTestSupport.deleteTopics(settings, topic, dlq);
  }
}
