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
 * 3-partition topic (the production mix: 99% background CloudTrail entries over 1,000 account
 * chains, 1% break-glass lifecycle entries), runs the sink with its production defaults, and prints documents per second
 * from the sink's start until it is idle (everything indexed and committed).
 *
 * <p>{@link #measuresTheTimeFromKafkaToSearchable()} then measures latency: with the sink running
 * (production defaults, refresh interval 1 s), it produces {@code glasswatch.benchmark.latency-entries}
 * (default 1000) entries at about 100 per second, one at a time, while a poller searches the index every
 * 25 ms without forcing a refresh; the latency of an entry is from just before its send to the first
 * search that returns it. Prints p50, p99 and max in milliseconds.
 *
 * <p>Not part of the normal build (its name matches neither test pattern, and the tag is excluded);
 * run it with {@code mvn -B -pl sinks verify -Dit.test=TimelineSinkBenchmark -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}, or {@code sinks/benchmark.sh}.
 */
@Tag("benchmark")
class TimelineSinkBenchmark {

  /**
   * The production defaults, changed by {@code glasswatch.benchmark.bulk-operations},
   * {@code glasswatch.benchmark.flush-ms} and {@code glasswatch.benchmark.concurrency} when set.
   */
  private static TimelineSinkOptions tuned(TimelineSinkOptions defaults) {
    TimelineSinkOptions o = defaults.withBulk(Integer.getInteger("glasswatch.benchmark.bulk-operations",
        defaults.bulkMaxOperations()), Duration.ofMillis(Long.getLong("glasswatch.benchmark.flush-ms",
        defaults.flushInterval().toMillis())));
    o = o.withConcurrency(Integer.getInteger("glasswatch.benchmark.concurrency", o.maxConcurrentRequests()));
    System.out.printf(Locale.ROOT, "timeline sink options: bulk %d documents, flush %d ms, %d concurrent requests%n",
        o.bulkMaxOperations(), o.flushInterval().toMillis(), o.maxConcurrentRequests());
    return o;
  }

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
      // the production mix: 99 background CloudTrail entries (account chains of 1,000 accounts,
      // random UUID event ids) to 1 break-glass lifecycle entry (request chains of 50 entries)
      Instant t0 = Instant.parse("2025-03-01T00:00:00Z");
      int accounts = 1000;
      int perChain = 50;
      String[] accountHeads = new String[accounts];
      long[] accountSeq = new long[accounts];
      String prev = null;
      int requestEntries = 0;
      for (int i = 0; i < n; i++) {
        TimelineEntry e;
        if (i % 100 == 99) {
          int seq = requestEntries % perChain + 1;
          if (seq == 1) {
            prev = null;
          }
          e = TimelineEntries.usage("bench-req-" + requestEntries / perChain, seq, t0.plusMillis(i), prev);
          prev = e.getHash();
          requestEntries++;
        } else {
          int a = i % accounts;
          e = TimelineEntries.cloudTrail(String.format(Locale.ROOT, "%012d", 100_000_000_000L + a), ++accountSeq[a],
              t0.plusMillis(i), accountHeads[a]);
          accountHeads[a] = e.getHash();
        }
        producer.send(new ProducerRecord<>(topic, e.getCorrelationId(), e));
      }
      producer.flush();
    }
    double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

    TimelineSinkOptions options = tuned(TimelineSinkOptions.defaults()).withTopics(topic, dlq)
        .withGroupId("bench-" + UUID.randomUUID());
    long start = System.nanoTime();
    try (TimelineSink sink = new TimelineSink(settings, options)) {
      sink.start();
      await("sink idle").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(sink::isIdle);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(sink.indexedOrDuplicate()).isEqualTo(n);
      System.out.printf(Locale.ROOT,
          "timeline sink benchmark: %d documents in %.2f s = %.0f documents/s (produce %.0f records/s), retries %d"
              + " (target 10,000/s: %s)%n",
          n, seconds, n / seconds, n / produceSeconds, sink.retries(), n / seconds >= 10_000 ? "met" : "NOT met");
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

  @Test
  void measuresTheTimeFromKafkaToSearchable() throws Exception {
    int n = Integer.getInteger("glasswatch.benchmark.latency-entries", 1000);
    String prefix = "glasswatch-timeline-lat" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    GlasswatchSettings settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.ELASTICSEARCH)
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, prefix);
    TimelineIndexTemplate.install(settings);
    String topic = KafkaTestSupport.uniqueTopic("timeline-lat");
    String dlq = KafkaTestSupport.uniqueTopic("dead-letter-lat");
    KafkaTestSupport.createTopics(settings, 3, topic, dlq);
    java.util.Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.Map<String, Long> seenAt = new java.util.concurrent.ConcurrentHashMap<>();
    TimelineSinkOptions options = tuned(TimelineSinkOptions.defaults()).withTopics(topic, dlq)
        .withGroupId("lat-" + UUID.randomUUID());
    var producerProps = KafkaTestSupport.producerProperties(settings);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    java.util.concurrent.ScheduledExecutorService poller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (TimelineSink sink = new TimelineSink(settings, options);
        ElasticsearchConnection admin = ElasticsearchConnection.admin(settings);
        KafkaProducer<String, TimelineEntry> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
            AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(TimelineEntry.class).serializer())) {
      sink.start();
      poller.scheduleWithFixedDelay(() -> {
        try {
          var hits = admin.client().search(q -> q.index(prefix + "-*").allowNoIndices(true).ignoreUnavailable(true)
              .size(10_000).source(src -> src.fetch(false))
              .query(qq -> qq.matchAll(m -> m)),
              Void.class).hits().hits();
          long now = System.nanoTime();
          hits.forEach(h -> seenAt.putIfAbsent(h.id(), now));
        } catch (Exception e) {
          // the index does not exist yet
        }
      }, 0, 25, java.util.concurrent.TimeUnit.MILLISECONDS);
      Instant t0 = Instant.parse("2025-03-01T00:00:00Z");
      String[] prev = new String[10];
      java.util.concurrent.ScheduledExecutorService feeder = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
      feeder.scheduleAtFixedRate(() -> {
        int i = next.getAndIncrement();
        if (i >= n) {
          return;
        }
        int chain = i % 10;
        TimelineEntry e = TimelineEntries.usage("lat-req-" + chain, i / 10 + 1, t0.plusMillis(i), prev[chain]);
        prev[chain] = e.getHash();
        sentAt.put(e.getEntryId(), System.nanoTime());
        producer.send(new ProducerRecord<>(topic, e.getCorrelationId(), e));
      }, 0, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
      await("every entry searchable").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
          .until(() -> seenAt.keySet().containsAll(sentAt.keySet()) && sentAt.size() == n);
      feeder.shutdownNow();
    } finally {
      poller.shutdownNow();
    }
    long[] millis = sentAt.entrySet().stream().mapToLong(e -> (seenAt.get(e.getKey()) - e.getValue()) / 1_000_000)
        .sorted().toArray();
    long p50 = millis[(int) Math.ceil(0.50 * millis.length) - 1];
    long p99 = millis[(int) Math.ceil(0.99 * millis.length) - 1];
    System.out.printf(Locale.ROOT, "timeline sink latency (Kafka to searchable, refresh 1 s): %d entries at 100/s:"
        + " p50 %d ms, p99 %d ms, max %d ms (target p99 < 2000 ms: %s)%n", n, p50, p99, millis[millis.length - 1],
        p99 < 2000 ? "met" : "NOT met");
    assertThat(millis).hasSize(n);
    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(settings)) {
      List<String> indices = new ArrayList<>(admin.client().indices().get(g -> g.index(prefix + "-*")).result().keySet());
      admin.client().indices().delete(d -> d.index(indices));
      admin.client().indices().deleteIndexTemplate(d -> d.name(prefix));
    }
    KafkaTestSupport.deleteTopics(settings, topic, dlq);
  }
}
