package io.glasswatch.streams.replay;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.GlasswatchTopology;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.correlation.AccountCorrelator;
import io.glasswatch.streams.correlation.OpenDeadline;
import io.glasswatch.streams.enforcement.SweeperSettings;
import io.glasswatch.streams.input.ClockTick;
import io.glasswatch.streams.input.EventTimeExtractor;
import io.glasswatch.streams.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Replays recorded inputs through the production topology ({@link GlasswatchTopology}) inside a
 * {@link TopologyTestDriver}, with {@link AvroSerdes#embedded()} and persistent stores in a temporary
 * state directory that is deleted afterwards.
 *
 * <p>Rules: records are piped in the order given (callers sort by event time); the driver's wall clock
 * follows event time (so {@code detectedAtWallClock} of revoke commands is the event time of the
 * decision); deadlines are evaluated on stream time alone ({@code wallClockDeadlines} false), never on
 * the wall clock; after the last record a clock tick at the latest event time goes to every input topic,
 * so that every deadline up to that time is evaluated, then an end-of-input tick
 * ({@link Topics#END_OF_INPUT_HEADER}) so that every decision that only waited for late input is taken;
 * deadlines after the last event time stay open and are handed to {@link Output#openDeadline}. The
 * driver runs the whole topology as one task and processes internal topics at once, so the end is
 * deterministic: the same input gives the same output, chain hashes included.
 *
 * <p>Speed: the driver's task is run by {@link ReplayDriver}, which processes in the driver's order but
 * commits (flushes the stores) every {@value ReplayDriver#COMMIT_EVERY} records instead of after each
 * one, and hands the outputs on as they are produced; serializers are made once per topic. Three
 * threads share the work, each stage in order, connected by bounded {@link Handoff}s: one iterates the
 * input (for {@code glasswatch replay}, the sort's merge and Avro decoding) and serializes each value;
 * the caller's runs the topology; one deserializes the outputs and calls the {@link Output}. The
 * outputs, and the order of every call to the {@link Output}, are those of a single thread.
 */
public final class Replayer {
  /** Input topics a replay accepts. */
  public static final List<String> INPUT_TOPICS =
      List.of(Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS, Topics.REVOKE_RESULTS);

  private final Policy policy;
  private final SweeperSettings sweeper;
  private final AvroSerdes serdes = AvroSerdes.embedded();
  private final Map<String, Serializer<?>> serializers = new java.util.HashMap<>();
  private final int commitEvery;

  /** A replayer applying {@code policy}, with the expiry sweeper as {@code sweeper} says. */
  public Replayer(Policy policy, SweeperSettings sweeper) {
    this(policy, sweeper, ReplayDriver.COMMIT_EVERY);
  }

  /**
   * A replayer whose {@link ReplayDriver} commits every {@code commitEvery} processed records; 0 runs the
   * driver's own path instead (a commit per record), which tests compare with {@link ReplayDriver}'s.
   */
  Replayer(Policy policy, SweeperSettings sweeper, int commitEvery) {
    this.policy = policy;
    this.sweeper = java.util.Objects.requireNonNull(sweeper, "sweeper");
    this.commitEvery = commitEvery;
  }

  /** A replayer applying {@code policy}, with the default expiry sweeper. */
  public Replayer(Policy policy) {
    this(policy, SweeperSettings.DEFAULTS);
  }

  /** A replayer applying {@link Policy#defaults()}. */
  public Replayer() {
    this(Policy.defaults());
  }

  /**
   * Receives the outputs of a streaming replay as they are produced, each kind in output order.
   * Every method does nothing by default. The methods are called on one thread, which is not the
   * caller's (the outputs are handed on while the topology runs on the caller's thread); everything they
   * did is visible to the caller once {@code replay} has returned.
   */
  public interface Output {
    /**
     * The next input record, handed on just before it is piped (so after the outputs of the records
     * before it, and before its own).
     */
    default void input(InputRecord record) {}

    /** An alert written to {@code alerts}. */
    default void alert(Alert alert) {}

    /** A command written to {@code revoke-commands}. */
    default void revokeCommand(RevokeCommand command) {}

    /** A chained entry written to {@code timeline}. */
    default void timeline(TimelineEntry entry) {}

    /** A record the topology rejected (written to {@code dead-letter}). */
    default void deadLetter(ReplayResult.DeadLetter deadLetter) {}

    /**
     * A deadline still open after the end of the input (for example a rotation due after the last
     * event), handed on once, in due-time order, after every other output.
     */
    default void openDeadline(OpenDeadline deadline) {}
  }

  /** Outputs are handed on after every this many input records, so the driver never holds more. */
  static final int DRAIN_EVERY = 1024;

  /**
   * Replays {@code records} and returns every output, collected in memory (for tests and small inputs;
   * {@link #replay(Iterable, Output)} streams).
   *
   * @param records inputs in event-time order; a record whose value is null is a clock tick
   * @throws IllegalArgumentException for a topic that is not an input topic, a value of the wrong type,
   *     or a clock tick without a timestamp
   * @throws UncheckedIOException when the temporary state directory cannot be created
   */
  public ReplayResult replay(Iterable<InputRecord> records) {
    List<Alert> alerts = new ArrayList<>();
    List<RevokeCommand> revokes = new ArrayList<>();
    List<TimelineEntry> timeline = new ArrayList<>();
    List<ReplayResult.DeadLetter> deadLetters = new ArrayList<>();
    Map<String, Long> counts = replay(records, new Output() {
      @Override
      public void alert(Alert a) {
        alerts.add(a);
      }

      @Override
      public void revokeCommand(RevokeCommand c) {
        revokes.add(c);
      }

      @Override
      public void timeline(TimelineEntry e) {
        timeline.add(e);
      }

      @Override
      public void deadLetter(ReplayResult.DeadLetter d) {
        deadLetters.add(d);
      }
    });
    return new ReplayResult(alerts, revokes, timeline, deadLetters, counts);
  }

  /**
   * Replays {@code records}, streaming: each record is piped as the iterable yields it, and the outputs
   * are handed to {@code out} every {@value #DRAIN_EVERY} records and at the end, so memory does not
   * grow with the input (beyond the topology's own state stores, which are on disk).
   *
   * @param records inputs in event-time order; a record whose value is null is a clock tick
   * @param out receives every output
   * @return records piped per input topic, clock ticks excluded
   * @throws IllegalArgumentException for a topic that is not an input topic, a value of the wrong type,
   *     or a clock tick without a timestamp
   * @throws UncheckedIOException when the temporary state directory cannot be created
   */
  public Map<String, Long> replay(Iterable<InputRecord> records, Output out) {
    Path stateDir;
    try {
      stateDir = Files.createTempDirectory("glasswatch-replay");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a state directory for replay", e);
    }
    StreamsSettings settings = new StreamsSettings("glasswatch-replay", "replay.invalid:9092", stateDir, policy, 0,
        StreamsSettings.DEFAULT_COMMIT_INTERVAL, StreamsConfig.AT_LEAST_ONCE, 1, Duration.ZERO, "", false)
        .withSweeper(sweeper);
    Map<String, Long> counts = new TreeMap<>();
    Pipe pipe = null;
    Delivery delivery = null;
    Handoff.Producing<Prepared> input = null;
    try {
      delivery = new Delivery(out);
      input = Handoff.produce("glasswatch-replay-input", Prepared::weight, put -> {
        for (InputRecord r : records) {
          put.accept(prepare(r));
        }
      });
      long clock = Long.MIN_VALUE;
      long maxEventTime = Long.MIN_VALUE;
      while (input.hasNext()) {
        Prepared p = input.next();
        delivery.input(p.record(), p.weight());
        long at = p.at();
        if (pipe == null) {
          pipe = new Pipe(new TopologyTestDriver(GlasswatchTopology.build(settings, serdes), driverProperties(settings),
              Instant.ofEpochMilli(at)), delivery);
          clock = at;
        }
        if (at > clock) {
          pipe.advanceWallClock(at - clock);
          clock = at;
        }
        maxEventTime = Math.max(maxEventTime, p.eventTime());
        if (p.value() == null) {
          pipe.pipe(p.record().topic(), null, null, ClockTick.headers(), at);
        } else {
          pipe.pipe(p.record().topic(), p.record().key(), p.value(), new RecordHeaders(), at);
          counts.merge(p.record().topic(), 1L, Long::sum);
        }
      }
      if (pipe == null) {
        delivery.finish();
        return counts;
      }
      for (String topic : INPUT_TOPICS) {
        pipe.pipe(topic, null, null, ClockTick.headers(), maxEventTime);
      }
      // The input is finite: no later record can arrive, so every decision that only waited for late
      // input is taken now (SPEC 5); deadlines after the last event time stay open and are listed.
      for (String topic : INPUT_TOPICS) {
        pipe.pipe(topic, null, null, endOfInputHeaders(), Topics.END_OF_INPUT_TIME);
      }
      pipe.finish();
      Delivery delivering = delivery;
      AccountCorrelator
          .openDeadlines(pipe.driver.getKeyValueStore(AccountCorrelator.STORE), policy)
          .forEach(d -> delivering.submit(() -> out.openDeadline(d)));
      delivery.finish();
      return counts;
    } catch (Handoff.Cancelled e) {
      throw delivery.failure(e);
    } finally {
      if (input != null) {
        input.close();
      }
      if (delivery != null) {
        delivery.close();
      }
      if (pipe != null) {
        pipe.driver.close();
      }
      deleteRecursively(stateDir);
    }
  }

  /**
   * One input record made ready for the driver on the reading thread: its record timestamp, event time
   * (the timestamp for a clock tick) and serialized value (null for a clock tick).
   */
  private record Prepared(InputRecord record, long at, long eventTime, byte[] value) {
    /** Approximate bytes it holds, the decoded record included (about three times its encoding). */
    long weight() {
      return 3L * (value == null ? 64 : value.length + 64);
    }
  }

  private Prepared prepare(InputRecord r) {
    if (!INPUT_TOPICS.contains(r.topic())) {
      throw new IllegalArgumentException("not an input topic: " + r.topic() + " (expected one of " + INPUT_TOPICS + ")");
    }
    long at = timestampOf(r);
    Instant eventTime = EventTimeExtractor.eventTime(r.value());
    return new Prepared(r, at, eventTime == null ? at : eventTime.toEpochMilli(),
        r.value() == null ? null : serialize(r.topic(), r.value()));
  }

  /**
   * Hands the outputs to an {@link Output} on a thread of their own, in the order the driver produced
   * them (input records and outputs interleaved as they happened), deserializing them there, so the
   * driver's thread only runs the topology. A failure of the {@link Output} stops the replay: the
   * driver's next hand-over throws {@link Handoff.Cancelled}, which {@link #failure} turns back into the
   * {@link Output}'s own exception.
   */
  /** One call to the {@link Output}, with the approximate bytes it holds. */
  private record Delivered(Runnable run, long bytes) {}

  private final class Delivery implements AutoCloseable {
    private final Output out;
    private final Handoff<Delivered> handoff = new Handoff<>(Delivered::bytes);
    private final Thread thread;
    private final Deserializer<Alert> alerts = serdes.value(Alert.class).deserializer();
    private final Deserializer<RevokeCommand> revokes = serdes.value(RevokeCommand.class).deserializer();
    private final Deserializer<TimelineEntry> timeline = serdes.value(TimelineEntry.class).deserializer();
    private volatile Throwable failed;

    Delivery(Output out) {
      this.out = out;
      this.thread = Thread.ofPlatform().daemon().name("glasswatch-replay-output").start(this::run);
    }

    private void run() {
      try {
        while (handoff.hasNext()) {
          handoff.next().run().run();
        }
      } catch (Throwable e) {
        failed = e;
        handoff.cancel();
      }
    }

    void submit(Runnable r) {
      handoff.put(new Delivered(r, 64));
    }

    private void submit(ProducerRecord<byte[], byte[]> record, Runnable r) {
      handoff.put(new Delivered(r, 2L * (record.value() == null ? 0 : record.value().length) + 256));
    }

    /** Queues the input record {@code r}, whose decoded value takes about {@code bytes}. */
    void input(InputRecord r, long bytes) {
      handoff.put(new Delivered(() -> out.input(r), bytes));
    }

    /** Queues a record the topology wrote, when it is one a replay reports. */
    void produced(ProducerRecord<byte[], byte[]> r) {
      switch (r.topic()) {
        case Topics.ALERTS -> submit(r, () -> out.alert(alerts.deserialize(r.topic(), r.value())));
        case Topics.REVOKE_COMMANDS -> submit(r, () -> out.revokeCommand(revokes.deserialize(r.topic(), r.value())));
        case Topics.TIMELINE -> submit(r, () -> out.timeline(timeline.deserialize(r.topic(), r.value())));
        case Topics.DEAD_LETTER -> submit(r, () -> out.deadLetter(new ReplayResult.DeadLetter(
            DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC),
            r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8),
            DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))));
        default -> {
          // changelogs and the other outputs a replay does not report
        }
      }
    }

    /** The same outputs, queued (for the driver's own, slower, path). */
    Output queued() {
      return new Output() {
        @Override
        public void alert(Alert a) {
          handoff.put(new Delivered(() -> out.alert(a), Handoff.weigh(a)));
        }

        @Override
        public void revokeCommand(RevokeCommand c) {
          handoff.put(new Delivered(() -> out.revokeCommand(c), Handoff.weigh(c)));
        }

        @Override
        public void timeline(TimelineEntry e) {
          handoff.put(new Delivered(() -> out.timeline(e), Handoff.weigh(e)));
        }

        @Override
        public void deadLetter(ReplayResult.DeadLetter d) {
          submit(() -> out.deadLetter(d));
        }
      };
    }

    /** Ends the outputs and waits until every one was handed on; rethrows the {@link Output}'s failure. */
    void finish() {
      handoff.end();
      join();
      if (failed != null) {
        throw failure(null);
      }
    }

    /** The {@link Output}'s failure (or {@code cancelled} when there is none), to rethrow. */
    RuntimeException failure(Handoff.Cancelled cancelled) {
      join();
      Throwable f = failed;
      if (f instanceof RuntimeException r) {
        return r;
      }
      if (f instanceof Error e) {
        throw e;
      }
      if (f == null) {
        throw cancelled;
      }
      return new IllegalStateException(f.getMessage(), f);
    }

    private void join() {
      Handoff.joinUninterruptibly(thread);
    }

    /**
     * After a failure of the replay: hands on the outputs produced before it, then stops the output
     * thread and waits for it.
     */
    @Override
    public void close() {
      if (thread.isAlive()) {
        handoff.fail(new IllegalStateException("replay stopped"));
      }
      join();
    }
  }

  /**
   * The driver's configuration: {@code settings}', with task idling disabled ({@code max.task.idle.ms}
   * -1). The driver always knows every partition's lag is 0, so with an idle time of 0 a task with any
   * record buffered is processable at once, and with idling disabled too: the same records in the same
   * order (the lowest timestamp first), without Kafka Streams formatting its idling trace messages for
   * every record, which otherwise takes a tenth of a replay's time.
   */
  private static java.util.Properties driverProperties(StreamsSettings settings) {
    java.util.Properties p = settings.toProperties();
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    return p;
  }

  /** Headers of the end-of-input tick: a clock tick also marked {@value Topics#END_OF_INPUT_HEADER}. */
  private static org.apache.kafka.common.header.Headers endOfInputHeaders() {
    org.apache.kafka.common.header.Headers h = ClockTick.headers();
    h.add(Topics.END_OF_INPUT_HEADER, "true".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return h;
  }

  /**
   * Pipes records into one driver and hands its outputs on: through {@link ReplayDriver} (commits every
   * {@value ReplayDriver#COMMIT_EVERY} records, outputs handed on as produced), or, when that cannot run
   * on this Kafka Streams version, through the driver's own input and output topics (a commit per record,
   * outputs drained every {@value #DRAIN_EVERY} records). Both give the same outputs in the same order.
   */
  private final class Pipe {
    private final TopologyTestDriver driver;
    private final ReplayDriver fast;
    private final Map<String, TestInputTopic<String, byte[]>> inputs = new TreeMap<>();
    private final Outputs outputs;
    private long piped;

    Pipe(TopologyTestDriver driver, Delivery delivery) {
      this.driver = driver;
      this.fast = commitEvery > 0 ? ReplayDriver.of(driver, delivery::produced, commitEvery) : null;
      if (fast == null) {
        for (String topic : INPUT_TOPICS) {
          inputs.put(topic, driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()));
        }
        outputs = new Outputs(driver, delivery.queued());
      } else {
        outputs = null;
      }
    }

    void pipe(String topic, String key, byte[] value, org.apache.kafka.common.header.Headers headers, long at) {
      if (fast != null) {
        fast.pipe(topic, key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value, headers, at);
        return;
      }
      inputs.get(topic).pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(at)));
      if (++piped % DRAIN_EVERY == 0) {
        outputs.drain();
      }
    }

    void advanceWallClock(long millis) {
      if (fast != null) {
        fast.advanceWallClock(millis);
      } else {
        driver.advanceWallClockTime(Duration.ofMillis(millis));
      }
    }

    void finish() {
      if (fast != null) {
        fast.commit();
      } else {
        outputs.drain();
      }
    }
  }

  /** The output topics of one driver, drained into an {@link Output}. */
  private final class Outputs {
    private final TopologyTestDriver driver;
    private final Output out;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestOutputTopic<String, RevokeCommand> revokes;
    private final TestOutputTopic<String, TimelineEntry> timeline;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    Outputs(TopologyTestDriver driver, Output out) {
      this.driver = driver;
      this.out = out;
      alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(),
          serdes.value(Alert.class).deserializer());
      revokes = driver.createOutputTopic(Topics.REVOKE_COMMANDS, new StringDeserializer(),
          serdes.value(RevokeCommand.class).deserializer());
      timeline = driver.createOutputTopic(Topics.TIMELINE, new StringDeserializer(),
          serdes.value(TimelineEntry.class).deserializer());
    }

    void drain() {
      java.util.Set<String> produced = driver.producedTopicNames();
      if (produced.contains(Topics.ALERTS)) {
        alerts.readValuesToList().forEach(out::alert);
      }
      if (produced.contains(Topics.REVOKE_COMMANDS)) {
        revokes.readValuesToList().forEach(out::revokeCommand);
      }
      if (produced.contains(Topics.TIMELINE)) {
        timeline.readValuesToList().forEach(out::timeline);
      }
      if (produced.contains(Topics.DEAD_LETTER)) {
        if (deadLetters == null) {
          deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(),
              new ByteArrayDeserializer());
        }
        deadLetters.readRecordsToList().forEach(r -> out.deadLetter(new ReplayResult.DeadLetter(
            DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC),
            r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8),
            DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))));
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private byte[] serialize(String topic, SpecificRecord value) {
    Class<? extends SpecificRecord> type = Topics.valueTypes().get(topic);
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("topic " + topic + " holds " + type.getSimpleName() + ", got "
          + value.getClass().getSimpleName());
    }
    Serializer serializer = serializers.computeIfAbsent(topic, t -> serdes.value(type).serializer());
    return serializer.serialize(topic, value);
  }

  private static long timestampOf(InputRecord r) {
    if (r.timestamp() != null) {
      return r.timestamp().toEpochMilli();
    }
    Instant t = EventTimeExtractor.eventTime(r.value());
    if (t == null) {
      throw new IllegalArgumentException("record on " + r.topic() + " has neither a timestamp nor an event time");
    }
    return t.toEpochMilli();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a left-over temporary directory is harmless
    }
  }
}
