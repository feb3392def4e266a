package io.glasswatch.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of the timeline sink into the local Elasticsearch: produces
 * {@code glasswatch.benchmark.entries} (default 50000) registry-serialized entries to a fresh
 * 3-partition topic, runs the sink with its production defaults, and prints documents per second
 * from the sink's start until it is idle (everything indexed and committed).
 *
 * <p>Not part of the normal build (its name matches neither test pattern, and the tag is excluded);
 * run it with {@code mvn -B -pl sinks verify -Dit.test=TimelineSinkBenchmark -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class TimelineSinkBenchmark {

  @Test
  void indexesTheTimelineTopicIntoElasticsearch() throws Exception {
    int n = Integer.getInteger("glasswatch.benchmark.entries", 50_000);
    String prefix = "glasswatch-timeline-bench" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    GlasswatchSettings settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.ELASTICSEARCH)
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, prefix);
    TimelineIndexTemplate.install(settings);
    String topic = KafkaTestSupport.uniqueTopic("timeline-bench");
    String dlq = KafkaTestSupport.uniqueTopic("dead-letter-bench");
    KafkaTestSupport.createTopics(settings, 3, topic, dlq);

    long produceStart = System.nanoTime();
    var producerProps = KafkaTestSupport.producerProperties(settings);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    try (KafkaProducer<String, TimelineEntry> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
        AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(TimelineEntry.class).serializer())) {
      Instant t0 = Instant.parse("2025-03-01T00:00:00Z");
      int perChain = 50;
      String prev = null;
      for (int i = 0; i < n; i++) {
        int seq = i % perChain + 1;
        if (seq == 1) {
          prev = null;
        }
        TimelineEntry e = TimelineEntries.usage("bench-req-" + i / perChain, seq, t0.plusMillis(i), prev);
        prev = e.getHash();
        producer.send(new ProducerRecord<>(topic, e.getCorrelationId(), e));
      }
      producer.flush();
    }
    double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

    TimelineSinkOptions options = TimelineSinkOptions.defaults().withTopics(topic, dlq)
        .withGroupId("bench-" + UUID.randomUUID());
    long start = System.nanoTime();
    try (TimelineSink sink = new TimelineSink(settings, options)) {
      sink.start();
      await("sink idle").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(sink::isIdle);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(sink.indexedOrDuplicate()).isEqualTo(n);
      System.out.printf(Locale.ROOT,
          "timeline sink benchmark: %d documents in %.2f s = %.0f documents/s (produce %.0f records/s), retries %d%n",
          n, seconds, n / seconds, n / produceSeconds, sink.retries());
    }
    try (TimelineQueries q = new TimelineQueries(settings)) {
      assertThat(q.count()).isEqualTo(n);
    }
    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(settings)) {
      List<String> indices = new ArrayList<>(admin.client().indices().get(g -> g.index(prefix + "-*")).result().keySet());
      admin.client().indices().delete(d -> d.index(indices));
      admin.client().indices().deleteIndexTemplate(d -> d.name(prefix));
    }
    KafkaTestSupport.deleteTopics(settings, topic, dlq);
  }
}
