package io.glasswatch.alerts.enforcement;

import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.RevokeResult;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything the revoke executor writes, each write awaited ({@code acks=all}, idempotent producer):
 * results and progress records to {@code revoke-results} (key the command id, or
 * {@code <commandId>/<n>}), {@code REVOKE_FAILED} alerts to {@code alerts} and their resolutions to
 * {@code alert-resolutions} (key the correlation id), unreadable commands to the dead-letter topic.
 * Thread-safe: the executor's workers write concurrently.
 */
final class RevokeOutputs implements AutoCloseable {
  private final RevokeService.Options options;
  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<RevokeResult> results;
  private final Serializer<Alert> alerts;
  private final Serializer<AlertResolution> resolutions;

  RevokeOutputs(GlasswatchSettings settings, AvroSerdes serdes, RevokeService.Options options, String clientId) {
    this.options = options;
    this.results = serdes.value(RevokeResult.class).serializer();
    this.alerts = serdes.value(Alert.class).serializer();
    this.resolutions = serdes.value(AlertResolution.class).serializer();
    this.producer = new KafkaProducer<>(KafkaClients.producer(settings, clientId), new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Writes a result or progress record. */
  void result(String key, RevokeResult result) {
    send(options.resultsTopic(), key, results, result);
  }

  /** Writes a REVOKE_FAILED alert, keyed by its correlation id. */
  void alert(Alert alert) {
    send(options.alertsTopic(), alert.getCorrelationId(), alerts, alert);
  }

  /** Writes a resolution, keyed by the resolved alert's correlation id. */
  void resolution(AlertResolution resolution) {
    send(options.resolutionsTopic(), resolution.getCorrelationId(), resolutions, resolution);
  }

  private <T extends SpecificRecord> void send(String topic, String key, Serializer<T> serializer, T value) {
    RecordHeaders headers = new RecordHeaders();
    byte[] bytes;
    synchronized (serializer) {
      bytes = serializer.serialize(topic, headers, value);
    }
    send(new ProducerRecord<>(topic, null, key, bytes, headers));
  }

  /** Writes a record as is (dead letters). */
  void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to " + record.topic() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    results.close();
    alerts.close();
    resolutions.close();
  }
}
