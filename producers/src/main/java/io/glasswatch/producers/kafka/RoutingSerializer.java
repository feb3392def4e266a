package io.glasswatch.producers.kafka;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A value serializer that picks the serializer of the record's topic: the Avro serializer of the
 * topic's value type for the input topics, plain bytes for the dead-letter topic. Null values (clock
 * ticks) serialize to null. Headers are passed through, as the registry serializer may put the schema
 * id there.
 */
final class RoutingSerializer implements Serializer<Object> {
  private final Map<String, Serializer<?>> byTopic;

  /**
   * A serializer routing by topic name.
   *
   * @param byTopic serializer of each topic name the producer writes to
   */
  RoutingSerializer(Map<String, Serializer<?>> byTopic) {
    this.byTopic = Map.copyOf(byTopic);
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    return serialize(topic, null, data);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public byte[] serialize(String topic, Headers headers, Object data) {
    if (data == null) {
      return null;
    }
    Serializer s = byTopic.get(topic);
    if (s == null) {
      throw new SerializationException("no value serializer for topic " + topic);
    }
    return headers == null ? s.serialize(topic, data) : s.serialize(topic, headers, data);
  }

  @Override
  public void close() {
    byTopic.values().forEach(Serializer::close);
  }
}
