package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.alerts.kafka.DeadLetters;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertDeliveryEvent;
import io.glasswatch.schema.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the on-call dispatcher writes about its deliveries, safe from any thread: the delivery
 * records of the compacted {@code alert-deliveries} topic (acknowledged, {@code acks=all}, before the
 * input offset may commit), the {@link AlertDeliveryEvent}s of {@code alert-delivery-events} (one per
 * attempt and per outcome, for the timeline), and dead letters.
 *
 * <p>Delivery record: key {@code <notice key>|<channel>}, value JSON {@code {key, channel, kind,
 * status (delivered, failed, digested), attempts, alertId, alertType, correlationId, requestId,
 * accountId, eventTime, at}}; a digested alert's record also names its {@code digest}.
 */
final class DeliveryRecords {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryRecords.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<AlertDeliveryEvent> eventSerializer;
  private final DeliveryLog log;
  private final OnCallDispatcher.Options options;

  DeliveryRecords(KafkaProducer<String, byte[]> producer, Serializer<AlertDeliveryEvent> eventSerializer, DeliveryLog log,
      OnCallDispatcher.Options options) {
    this.producer = producer;
    this.eventSerializer = eventSerializer;
    this.log = log;
    this.options = options;
  }

  /** Records a (notice, channel) outcome; waits for Kafka's acknowledgement. */
  void record(Notice notice, String channel, String status, int attempts) {
    write(OnCallDispatcher.deliveryKey(notice.key(), channel), value(notice, channel, status, attempts));
  }

  /** Records each alert of a delivered digest as {@code digested} on the channel. */
  void recordDigested(Notice digest, String channel, int attempts, Links links) {
    for (Alert a : digest.grouped()) {
      ObjectNode v = value(Notice.of(a, links), channel, "digested", attempts);
      v.put("digest", digest.key());
      write(OnCallDispatcher.deliveryKey(a.getAlertId(), channel), v);
    }
  }

  private ObjectNode value(Notice notice, String channel, String status, int attempts) {
    ObjectNode v = JSON.createObjectNode();
    v.put("key", notice.key());
    v.put("channel", channel);
    v.put("kind", notice.kind().name());
    v.put("status", status);
    v.put("attempts", attempts);
    v.put("alertId", notice.alertId());
    v.put("alertType", notice.alertType());
    v.put("correlationId", notice.correlationId());
    v.put("requestId", notice.requestId());
    v.put("accountId", notice.accountId());
    v.put("eventTime", notice.alert() == null ? notice.at().toEpochMilli() : notice.alert().getEventTime().toEpochMilli());
    v.put("at", AlertJson.iso(Instant.now()));
    return v;
  }

  private void write(String key, ObjectNode v) {
    await(producer.send(new ProducerRecord<>(options.deliveriesTopic(), key, v.toString().getBytes(StandardCharsets.UTF_8))),
        options.deliveriesTopic());
    log.put(key, v);
  }

  /**
   * Writes one delivery event (not awaited; a lost event is logged, never fatal).
   *
   * @param type {@code attempt} or {@code outcome}
   * @param n the notice
   * @param channel the channel, or {@code -}
   * @param attempt attempt number, or attempts made
   * @param outcome success, failure or skipped
   * @param detail one line free of secrets
   * @param ms duration of the attempt
   */
  void event(String type, Notice n, String channel, int attempt, String outcome, String detail, long ms) {
    AlertDeliveryEvent e = AlertDeliveryEvent.newBuilder()
        .setType(type).setKey(n.key()).setChannel(channel).setKind(n.kind().name())
        .setAlertId(n.alertId()).setAlertType(n.alertType()).setCorrelationId(n.correlationId())
        .setRequestId(n.requestId()).setAccountId(n.accountId()).setAttempt(attempt).setOutcome(outcome)
        .setDetail(detail).setMillis(ms).setAt(Instant.ofEpochMilli(System.currentTimeMillis()))
        .setEventTime(n.alert() == null ? null : n.alert().getEventTime())
        .build();
    String key = n.correlationId() != null ? n.correlationId() : n.key();
    RecordHeaders headers = new RecordHeaders();
    byte[] value;
    synchronized (eventSerializer) {
      value = eventSerializer.serialize(options.eventsTopic(), headers, e);
    }
    producer.send(new ProducerRecord<>(options.eventsTopic(), null, key, value, headers), (md, ex) -> {
      if (ex != null) {
        LOG.warn("delivery event of {} to {} not written: {}", n.key(), channel, ex.toString());
      }
    });
  }

  /** Sends a notice a channel gave up on to the dead-letter topic; waits for the acknowledgement. */
  void deadLetter(Notice notice, List<Tracked> tracked, DeliveryException e) {
    byte[] body = notice.alert() != null ? AlertJson.toJsonBytes(notice.alert())
        : noticeJson(notice).toString().getBytes(StandardCharsets.UTF_8);
    ProducerRecord<String, byte[]> dl = new ProducerRecord<>(options.deadLetterTopic(), notice.key(), body);
    if (!tracked.isEmpty()) {
      ConsumerRecord<String, byte[]> src = tracked.getFirst().record();
      DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_TOPIC, src.topic());
      DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_PARTITION, src.partition());
      DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.SOURCE_OFFSET, src.offset());
    }
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.REASON, e.getMessage());
    DeadLetterHeaders.put(dl.headers(), DeadLetterHeaders.EXCEPTION, DeliveryException.class.getName());
    DeadLetterHeaders.put(dl.headers(), OnCallDispatcher.CHANNEL_HEADER, e.channel());
    await(producer.send(dl), options.deadLetterTopic());
  }

  /** Sends an unreadable input record to the dead-letter topic; waits for the acknowledgement. */
  void deadLetter(ConsumerRecord<String, byte[]> record, String reason, String exception) {
    await(producer.send(DeadLetters.of(record, options.deadLetterTopic(), reason, exception)), options.deadLetterTopic());
  }

  private static void await(java.util.concurrent.Future<?> sent, String topic) {
    try {
      sent.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to " + topic + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + topic, e);
    }
  }

  /**
   * A notice as JSON (dead-letter value of notices other than alerts).
   *
   * @param n the notice
   * @return {@code {kind, key, title, summary, severity, alertType, alertId, correlationId, requestId,
   *     accountId, at, groupedAlertIds}}
   */
  static ObjectNode noticeJson(Notice n) {
    ObjectNode v = JSON.createObjectNode();
    v.put("kind", n.kind().name());
    v.put("key", n.key());
    v.put("title", n.title());
    v.put("summary", n.summary());
    v.put("severity", n.severity());
    v.put("alertType", n.alertType());
    v.put("alertId", n.alertId());
    v.put("correlationId", n.correlationId());
    v.put("requestId", n.requestId());
    v.put("accountId", n.accountId());
    v.put("at", AlertJson.iso(n.at()));
    ArrayNode g = v.putArray("groupedAlertIds");
    n.grouped().forEach(a -> g.add(a.getAlertId()));
    return v;
  }
}
