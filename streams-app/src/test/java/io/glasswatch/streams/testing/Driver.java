package io.glasswatch.streams.testing;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.GlasswatchTopology;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.correlation.LifecycleFact;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.state.JsonSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** A TopologyTestDriver over the production topology with embedded Avro serdes, for tests that pipe raw bytes. */
public final class Driver implements AutoCloseable {
  private final AvroSerdes serdes = AvroSerdes.embedded();
  private final TopologyTestDriver driver;

  /** Application id of the driven topology (prefix of its internal topics). */
  public static final String APPLICATION_ID = "glasswatch-test";

  /** A driver whose state lives under {@code stateDir}, default policy, deadlines on stream time alone. */
  public Driver(Path stateDir) {
    this(stateDir, Policy.defaults(), false);
  }

  /**
   * A driver whose state lives under {@code stateDir}, applying {@code policy}; its wall clock starts at
   * {@link Events#T0}.
   *
   * @param wallClockDeadlines whether deadlines also run on the (mocked) wall clock, as in live operation
   */
  public Driver(Path stateDir, Policy policy, boolean wallClockDeadlines) {
    StreamsSettings settings = new StreamsSettings(APPLICATION_ID, "test.invalid:9092", stateDir, policy,
        0, StreamsSettings.DEFAULT_COMMIT_INTERVAL, StreamsConfig.AT_LEAST_ONCE, 1, Duration.ZERO, "",
        wallClockDeadlines);
    driver = new TopologyTestDriver(GlasswatchTopology.build(settings, serdes), settings.toProperties(), Events.T0);
  }

  /**
   * Stage A's side of the {@code request-lifecycle-facts} repartition topic: facts piped here reach
   * stage B as if stage A had sent them (key: account id).
   */
  public TestInputTopic<String, LifecycleFact> lifecycleFacts() {
    return driver.createInputTopic(APPLICATION_ID + "-" + GlasswatchTopology.LIFECYCLE_FACTS_REPARTITION
        + "-repartition", new StringSerializer(), new JsonSerde<>(LifecycleFact.class).serializer());
  }

  /** Typed input of GuardDuty findings. */
  public TestInputTopic<String, GuardDutyFinding> guardDuty() {
    return driver.createInputTopic(Topics.GUARDDUTY_FINDINGS, new StringSerializer(),
        serdes.value(GuardDutyFinding.class).serializer());
  }

  /** The alert resolutions topic. */
  public TestOutputTopic<String, io.glasswatch.schema.AlertResolution> resolutions() {
    return driver.createOutputTopic(Topics.ALERT_RESOLUTIONS, new StringDeserializer(),
        serdes.value(io.glasswatch.schema.AlertResolution.class).deserializer());
  }

  /**
   * Pipes a progress mark of gateway source {@code source} for time {@code t} into the gateway topic (one
   * partition here), as {@code io.glasswatch.kafka.ProgressMarks} writes it.
   */
  public void mark(String source, Instant t) {
    raw(Topics.GATEWAY_EVENTS).pipeInput(new org.apache.kafka.streams.test.TestRecord<>(source, null,
        io.glasswatch.kafka.ProgressMarks.headers(source, 1), t));
  }

  /** The revoke commands topic. */
  public TestOutputTopic<String, RevokeCommand> revokeCommands() {
    return driver.createOutputTopic(Topics.REVOKE_COMMANDS, new StringDeserializer(),
        serdes.value(RevokeCommand.class).deserializer());
  }

  /** A state store of the topology by name, e.g. {@code request-lifecycle}. */
  public <V> KeyValueStore<String, V> store(String name) {
    return driver.getKeyValueStore(name);
  }

  /** Raw-byte input of {@code topic}. */
  public TestInputTopic<String, byte[]> raw(String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
  }

  /** Typed input of gateway events. */
  public TestInputTopic<String, GatewayEvent> gateway() {
    return driver.createInputTopic(Topics.GATEWAY_EVENTS, new StringSerializer(),
        serdes.value(GatewayEvent.class).serializer());
  }

  /** Typed input of CloudTrail records. */
  public TestInputTopic<String, CloudTrailEvent> cloudTrail() {
    return driver.createInputTopic(Topics.CLOUDTRAIL_EVENTS, new StringSerializer(),
        serdes.value(CloudTrailEvent.class).serializer());
  }

  /** The alerts topic. */
  public TestOutputTopic<String, Alert> alerts() {
    return driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(), serdes.value(Alert.class).deserializer());
  }

  /** The timeline topic. */
  public TestOutputTopic<String, TimelineEntry> timeline() {
    return driver.createOutputTopic(Topics.TIMELINE, new StringDeserializer(),
        serdes.value(TimelineEntry.class).deserializer());
  }

  /** The dead-letter topic (raw key and value). */
  public TestOutputTopic<byte[], byte[]> deadLetter() {
    return driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The underlying driver. */
  public TopologyTestDriver driver() {
    return driver;
  }

  /** Serialized with the embedded serde of its class. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public byte[] bytes(String topic, org.apache.avro.specific.SpecificRecord value) {
    return ((org.apache.kafka.common.serialization.Serializer) serdes.value(value.getClass()).serializer())
        .serialize(topic, value);
  }

  /** {@code T0 + minutes}. */
  public static Instant at(double minutes) {
    return Events.at(minutes);
  }

  @Override
  public void close() {
    driver.close();
  }
}
