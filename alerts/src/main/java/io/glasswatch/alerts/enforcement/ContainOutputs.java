package io.glasswatch.alerts.enforcement;

import io.glasswatch.alerts.kafka.KafkaClients;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.ContainCommand;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.RevokeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything the containment service writes, each write awaited ({@code acks=all}, idempotent producer):
 * results to {@code contain-results} (key the command id or {@code <commandId>/cleanup}), progress records
 * to {@code revoke-results} (key {@code <commandId>/<n>}, outcome {@code IN_PROGRESS}, step
 * {@code contain_*}, the line in {@code message}), {@code CONTAINMENT_FAILED} alerts to {@code alerts}
 * (key the correlation id), unreadable commands to the dead-letter topic. Thread-safe.
 */
final class ContainOutputs implements AutoCloseable {
  private final ContainmentService.Options options;
  private final Clock clock;
  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<ContainResult> results;
  private final Serializer<RevokeResult> progress;
  private final Serializer<Alert> alerts;

  ContainOutputs(GlasswatchSettings settings, AvroSerdes serdes, ContainmentService.Options options, String clientId,
      Clock clock) {
    this.options = options;
    this.clock = clock;
    this.results = serdes.value(ContainResult.class).serializer();
    this.progress = serdes.value(RevokeResult.class).serializer();
    this.alerts = serdes.value(Alert.class).serializer();
    this.producer = new KafkaProducer<>(KafkaClients.producer(settings, clientId), new StringSerializer(),
        new ByteArraySerializer());
  }

  /** A result or clean-up record. */
  void result(String key, ContainResult r) {
    send(options.resultsTopic(), key, results, r);
  }

  /** A CONTAINMENT_FAILED alert. */
  void alert(Alert a) {
    send(options.alertsTopic(), a.getCorrelationId(), alerts, a);
  }

  /**
   * One progress record: a timeline entry and, for the main steps, an on-call notice.
   *
   * @param c the command
   * @param seq position among the command's records (fixed 800+ for CloudTrail verdicts, 900+ for clean-up)
   * @param step the step
   * @param message one line
   * @param start pick-up time
   * @param alertId CONTAINMENT_FAILED alert raised at this step, or null
   */
  void progress(ContainCommand c, int seq, String step, String message, Instant start, String alertId) {
    RevokeResult r = RevokeResult.newBuilder().setCommandId(c.getCommandId()).setRequestId(c.getRequestId())
        .setCorrelationId(c.getCorrelationId()).setAlertId(c.getAlertId()).setTrigger(c.getTrigger())
        .setAssignment(c.getAssignment()).setOutcome("IN_PROGRESS").setAttempts(0).setCommandIssuedAt(c.getIssuedAt())
        .setStartedAt(start).setCompletedAt(clock.instant()).setStep(step).setStepSeq(seq).setMessage(message)
        .setRevokeFailedAlertId(alertId).build();
    send(options.revokeResultsTopic(), c.getCommandId() + "/" + seq, progress, r);
  }

  private <T extends SpecificRecord> void send(String topic, String key, Serializer<T> s, T v) {
    byte[] bytes;
    synchronized (s) {
      bytes = s.serialize(topic, v);
    }
    send(new ProducerRecord<>(topic, key, bytes));
  }

  /** Writes a record as is (dead letters); throws when it cannot be written within 30 s. */
  void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot write to " + record.topic() + ": " + e, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    results.close();
    progress.close();
    alerts.close();
  }
}
