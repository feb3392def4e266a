package io.glasswatch.sinks.timeline;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import io.glasswatch.sinks.SinkSettings;
import io.glasswatch.sinks.elasticsearch.CallbackExecutorTransport;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The clients of one timeline sink, created together (all or none): the Kafka consumer (group of the
 * options, no auto-commit, {@code read_committed}, from the earliest offset), the idempotent
 * {@code acks=all} dead-letter producer, the Elasticsearch connection as the sink user, and the bulk
 * ingester whose completions run on their own thread ({@link CallbackExecutorTransport}).
 *
 * @param consumer the timeline consumer
 * @param producer the dead-letter producer
 * @param elasticsearch the connection as the sink user
 * @param callbacks the bulk completion thread
 * @param ingester the bulk ingester
 */
record SinkClients(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer,
    ElasticsearchConnection elasticsearch, ExecutorService callbacks, BulkIngester<BulkResults.Pending> ingester) {

  /** Creates every client; closes those already created when one fails. */
  static SinkClients create(SinkSettings settings, TimelineSinkOptions options, BulkResults.Listener listener) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, options.groupId());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(100, Math.min(options.bulkMaxOperations(), 5000)));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, options.groupId() + "-dead-letter");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");

    ExecutorService callbacks = null;
    KafkaConsumer<String, byte[]> cons = null;
    KafkaProducer<String, byte[]> prod = null;
    ElasticsearchConnection es = null;
    try {
      cons = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
      prod = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
      es = ElasticsearchConnection.sink(settings);
      // bulk completions run on their own thread: see CallbackExecutorTransport for the deadlock this avoids
      callbacks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "glasswatch-timeline-sink-callbacks");
        t.setDaemon(true);
        return t;
      });
      ElasticsearchAsyncClient async = new ElasticsearchAsyncClient(new CallbackExecutorTransport(es.transport(), callbacks));
      BulkIngester<BulkResults.Pending> ingester = BulkIngester.of(b -> b
          .client(async)
          .maxOperations(options.bulkMaxOperations())
          .maxSize(options.bulkMaxBytes())
          .maxConcurrentRequests(options.maxConcurrentRequests())
          .flushInterval(options.flushInterval().toMillis(), TimeUnit.MILLISECONDS)
          .listener(listener));
      return new SinkClients(cons, prod, es, callbacks, ingester);
    } catch (RuntimeException e) {
      if (cons != null) {
        cons.close(Duration.ZERO);
      }
      if (prod != null) {
        prod.close(Duration.ZERO);
      }
      if (es != null) {
        es.close();
      }
      if (callbacks != null) {
        callbacks.shutdown();
      }
      throw e;
    }
  }
}
