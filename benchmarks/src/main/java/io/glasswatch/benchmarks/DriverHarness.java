package io.glasswatch.benchmarks;

import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.GlasswatchTopology;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.input.ClockTick;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.state.JsonSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production topology ({@link GlasswatchTopology#build}) in a {@link TopologyTestDriver} with
 * {@link AvroSerdes#embedded()} and persistent RocksDB stores under a state directory, as
 * {@code glasswatch replay} runs it ({@code at_least_once}, {@code max.task.idle.ms=0}).
 *
 * <p>Input is serialized before it is timed ({@link #serialize}); {@link #pipe} then feeds it. The
 * driver keeps everything the topology produces (outputs, repartition and changelog records) in
 * memory until read, so {@link #drain()} reads every produced topic and keeps only counts and bytes.
 * Not thread-safe.
 */
final class DriverHarness implements AutoCloseable {
  /** An input record serialized for the driver. */
  record Serialized(String topic, String key, byte[] value, long timestamp) {}

  /** Records and bytes (key + value) written to one topic. */
  static final class Written {
    long records;
    long bytes;
  }

  /** Keys and logical bytes of one store, and its SST files on disk. */
  record StoreSize(String store, long keys, long logicalBytes, long sstBytes) {}

  static final String APPLICATION_ID = "glasswatch-bench";

  private final AvroSerdes serdes = AvroSerdes.embedded();
  private final Map<String, Serializer<SpecificRecord>> serializers = new HashMap<>();
  private final Path stateDir;
  private final TopologyTestDriver driver;
  private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
  private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
  private final Map<String, Written> written = new TreeMap<>();

  /**
   * Builds the topology and the driver.
   *
   * @param stateDir state directory (created; deleted by {@link #close()})
   * @param policy detection policy
   * @param start the driver's initial wall-clock time
   */
  DriverHarness(Path stateDir, Policy policy, Instant start) {
    this.stateDir = stateDir;
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StreamsSettings settings = new StreamsSettings(APPLICATION_ID, "bench.invalid:9092", stateDir, policy, 0,
        StreamsSettings.DEFAULT_COMMIT_INTERVAL, StreamsConfig.AT_LEAST_ONCE, 1, Duration.ZERO, "");
    driver = new TopologyTestDriver(GlasswatchTopology.build(settings, serdes), settings.toProperties(), start);
    for (String topic : List.of(Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS,
        Topics.REVOKE_RESULTS)) {
      inputs.put(topic, driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()));
    }
  }

  /** {@code r} serialized with the embedded Avro serde, timestamp = its event time. */
  @SuppressWarnings("unchecked")
  Serialized serialize(InputRecord r) {
    Serializer<SpecificRecord> s = serializers.computeIfAbsent(r.topic(),
        t -> (Serializer<SpecificRecord>) serdes.value(Topics.valueTypes().get(t)).serializer());
    long ts = r.timestamp() != null ? r.timestamp().toEpochMilli()
        : io.glasswatch.streams.input.EventTimeExtractor.eventTime(r.value()).toEpochMilli();
    return new Serialized(r.topic(), r.key(), s.serialize(r.topic(), r.value()), ts);
  }

  /** The next {@code n} records of {@code source}, serialized. */
  List<Serialized> serialize(Iterator<InputRecord> source, int n) {
    List<Serialized> list = new ArrayList<>(n);
    for (int i = 0; i < n && source.hasNext(); i++) {
      list.add(serialize(source.next()));
    }
    return list;
  }

  /** Pipes one serialized record (processing it and everything it causes). */
  void pipe(Serialized r) {
    inputs.get(r.topic()).pipeInput(new TestRecord<>(r.key(), r.value(), new RecordHeaders(), Instant.ofEpochMilli(r.timestamp())));
  }

  /** Pipes a clock tick at {@code at} to every input topic. */
  void tick(Instant at) {
    for (TestInputTopic<String, byte[]> in : inputs.values()) {
      in.pipeInput(new TestRecord<>(null, null, ClockTick.headers(), at));
    }
  }

  /** Reads (and so frees) everything produced since the last drain, adding it to {@link #written()}. */
  void drain() {
    for (String topic : driver.producedTopicNames()) {
      TestOutputTopic<byte[], byte[]> out = outputs.computeIfAbsent(topic,
          t -> driver.createOutputTopic(t, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
      Written w = written.computeIfAbsent(topic, t -> new Written());
      while (!out.isEmpty()) {
        TestRecord<byte[], byte[]> r = out.readRecord();
        w.records++;
        w.bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
      }
    }
  }

  /** Records and bytes written per topic since the driver started (as far as drained). */
  Map<String, Written> written() {
    return written;
  }

  /** A snapshot of {@link #written()} (records, bytes) per topic. */
  Map<String, long[]> writtenSnapshot() {
    Map<String, long[]> m = new TreeMap<>();
    written.forEach((t, w) -> m.put(t, new long[] {w.records, w.bytes}));
    return m;
  }

  /**
   * Size of every key-value store: keys and logical bytes by a full scan (key UTF-8 bytes plus the
   * value as the stores write it: 8 bytes for a long, else Glasswatch's state JSON), and the SST files
   * of its RocksDB directory. The driver flushes the stores after every record, so the SST files hold
   * everything (including versions not compacted away yet).
   */
  List<StoreSize> storeSizes() {
    List<StoreSize> sizes = new ArrayList<>();
    for (Map.Entry<String, StateStore> e : new TreeMap<>(driver.getAllStateStores()).entrySet()) {
      if (!(e.getValue() instanceof KeyValueStore<?, ?> kv)) {
        continue;
      }
      long keys = 0;
      long bytes = 0;
      try (KeyValueIterator<?, ?> it = kv.all()) {
        while (it.hasNext()) {
          KeyValue<?, ?> pair = it.next();
          keys++;
          bytes += sizeOf(pair.key) + sizeOf(pair.value);
        }
      }
      sizes.add(new StoreSize(e.getKey(), keys, bytes, sstBytes(e.getKey())));
    }
    return sizes;
  }

  private static long sizeOf(Object o) {
    if (o == null) {
      return 0;
    } else if (o instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8).length;
    } else if (o instanceof Long) {
      return Long.BYTES;
    } else if (o instanceof byte[] b) {
      return b.length;
    }
    try {
      return JsonSerde.mapper().writeValueAsBytes(o).length;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private long sstBytes(String store) {
    long total = 0;
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path p : paths.filter(p -> p.getFileName().toString().endsWith(".sst")).toList()) {
        if (p.getParent() != null && p.getParent().getFileName().toString().equals(store)) {
          try {
            total += Files.size(p);
          } catch (IOException gone) {
            // compacted away while walking
          }
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return total;
  }

  /** Closes the driver and deletes the state directory. */
  @Override
  public void close() {
    try {
      driver.close();
    } finally {
      Files2.deleteRecursively(stateDir);
    }
  }
}
