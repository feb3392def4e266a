package io.glasswatch.producers.kafka;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.input.InputReader;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, normalizes and produces input files to the input topics; rejected input goes to the
 * dead-letter topic. Not thread-safe: one run at a time per instance; close it when done.
 *
 * <p>Records:
 *
 * <ul>
 *   <li>{@code gateway-events}, {@code cloudtrail-events}, {@code guardduty-findings}: key and value
 *       as normalized ({@link NormalizeResult.Normalized}), Kafka timestamp = the event time (epoch
 *       milliseconds), value serialized by the given {@link AvroSerdes} (in production
 *       {@code AvroSerdes.registry(settings.get(REGISTRY_URL))}).
 *   <li>{@code dead-letter}: key {@code <file>:<line>}, value = the raw rejected bytes (secrets
 *       redacted; cut to {@value #MAX_DEAD_LETTER_BYTES} bytes, saying so in the reason, so the record
 *       fits Kafka's default 1 MiB limit), headers {@link DeadLetterHeaders#FILE}, {@link DeadLetterHeaders#LINE},
 *       {@link DeadLetterHeaders#FIELD} (when one is to blame) and {@link DeadLetterHeaders#REASON};
 *       Kafka timestamp = when it was produced. A record kept with fields that could not be read
 *       ({@link NormalizeResult.Normalized#validationReports()}) is produced to its topic and each
 *       such field is also reported here, with an empty value.
 *   <li>Clock ticks ({@link #produceClockTicks}): null key and value, header
 *       {@value #CLOCK_TICK_HEADER}={@code true}, on every partition of every input topic.
 * </ul>
 *
 * <p>One idempotent producer ({@code enable.idempotence=true}, {@code acks=all}, {@code linger.ms=10},
 * lz4) writes every topic; the Kafka client retries failed sends itself with exponential backoff
 * from {@code retry.backoff.ms} (100 ms) to {@code retry.backoff.max.ms} (1 s) until
 * {@code delivery.timeout.ms} (2 min). Each run flushes and waits for every acknowledgement before it
 * returns; if any send failed it throws {@link ProduceException} carrying the partial counts.
 */
public final class EventProducer implements AutoCloseable {
  /** Header that marks a clock-tick record (value "true"). */
  public static final String CLOCK_TICK_HEADER = Topics.CLOCK_TICK_HEADER;
  /** The raw value of a dead-letter record is cut to this many bytes. */
  public static final int MAX_DEAD_LETTER_BYTES = 512 * 1024;
  /** Settings keys with this prefix are Kafka producer configs (prefix removed); see {@link KafkaSettings}. */
  public static final String PRODUCER_PREFIX = KafkaSettings.PRODUCER_PREFIX;
  /** The input topics, in the order clock ticks are sent. */
  public static final List<String> INPUT_TOPICS =
      List.of(Topics.GATEWAY_EVENTS, Topics.CLOUDTRAIL_EVENTS, Topics.GUARDDUTY_FINDINGS);

  private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);
  private static final int PROGRESS_EVERY = 10_000;

  private final KafkaProducer<String, Object> producer;
  private final InputReader reader;
  private final UnaryOperator<String> topicNames;

  /**
   * A producer with the registry serdes: {@code AvroSerdes.registry(settings.get(REGISTRY_URL))}.
   *
   * @param settings Kafka bootstrap servers ({@link GlasswatchSettings#KAFKA_BOOTSTRAP}) and registry URL
   */
  public EventProducer(GlasswatchSettings settings) {
    this(KafkaSettings.from(settings));
  }

  /**
   * A producer with the registry serdes of {@link KafkaSettings#registryUrl()}, writing the topics of
   * {@link KafkaSettings#topics()}.
   *
   * @param kafka bootstrap servers, registry URL, producer configs and topic names
   */
  public EventProducer(KafkaSettings kafka) {
    this(kafka, AvroSerdes.registry(kafka.registryUrl()), kafka.topics()::name, new Normalizer());
  }

  /**
   * A producer writing the topic names of the settings ({@link GlasswatchSettings#TOPIC_PREFIX}, none by
   * default).
   *
   * @param settings Kafka bootstrap servers ({@link GlasswatchSettings#KAFKA_BOOTSTRAP}) and topic prefix
   * @param serdes value serdes of the Avro topics
   */
  public EventProducer(GlasswatchSettings settings, AvroSerdes serdes) {
    this(settings, serdes, io.glasswatch.schema.TopicNames.from(settings)::name, new Normalizer());
  }

  /**
   * A producer with renamed topics (e.g. per-test topics, or a prefix per environment).
   *
   * @param settings Kafka bootstrap servers ({@link GlasswatchSettings#KAFKA_BOOTSTRAP})
   * @param serdes value serdes of the Avro topics
   * @param topicNames maps a {@link Topics} name ({@code gateway-events}, ..., {@code dead-letter}) to
   *     the topic actually written
   * @param normalizer the normalizer to use
   */
  public EventProducer(GlasswatchSettings settings, AvroSerdes serdes, UnaryOperator<String> topicNames,
      Normalizer normalizer) {
    this(KafkaSettings.from(Objects.requireNonNull(settings, "settings")), serdes, topicNames, normalizer);
  }

  /**
   * A producer with renamed topics, from typed settings.
   *
   * @param kafka bootstrap servers and producer configs ({@link KafkaSettings#producerConfig()})
   * @param serdes value serdes of the Avro topics
   * @param topicNames maps a {@link Topics} name to the topic actually written
   * @param normalizer the normalizer to use
   */
  public EventProducer(KafkaSettings kafka, AvroSerdes serdes, UnaryOperator<String> topicNames,
      Normalizer normalizer) {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(serdes, "serdes");
    this.topicNames = Objects.requireNonNull(topicNames, "topicNames");
    this.reader = new InputReader(normalizer);
    Map<String, Serializer<?>> serializers = new HashMap<>();
    serializers.put(topicNames.apply(Topics.GATEWAY_EVENTS), serdes.value(GatewayEvent.class).serializer());
    serializers.put(topicNames.apply(Topics.CLOUDTRAIL_EVENTS), serdes.value(CloudTrailEvent.class).serializer());
    serializers.put(topicNames.apply(Topics.GUARDDUTY_FINDINGS), serdes.value(GuardDutyFinding.class).serializer());
    serializers.put(topicNames.apply(Topics.DEAD_LETTER), new ByteArraySerializer());
    this.producer = new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(),
        new RoutingSerializer(serializers));
  }

  /**
   * The producer configuration: bootstrap servers from {@code settings}, idempotence, acks=all,
   * linger 10 ms, lz4, bounded exponential retry backoff, 2 min delivery timeout. Every settings key
   * starting with {@value #PRODUCER_PREFIX} is passed on without the prefix (e.g.
   * {@code kafka.producer.security.protocol=SASL_SSL}, {@code kafka.producer.max.block.ms=5000}),
   * except that idempotence and {@code acks=all} cannot be turned off.
   */
  public static Properties producerConfig(GlasswatchSettings settings) {
    return KafkaSettings.from(settings).producerConfig();
  }


  /**
   * Reads, normalizes and produces {@code inputs} in input order.
   *
   * @param inputs files and directories ({@link InputReader#files})
   * @param progress receives human-readable progress lines (files read, records sent, summary)
   * @return counts of what was acknowledged
   * @throws ProduceException when Kafka did not acknowledge every record
   */
  public ProduceReport produce(List<Path> inputs, Consumer<String> progress) {
    Run run = new Run(progress);
    reader.read(inputs, run::send, progress);
    return run.finish();
  }

  /**
   * Like {@link #produce} but sends the normalized events sorted by event time (a stable sort: events
   * with equal times keep input order), as replay-style runs need. Rejections are produced to the
   * dead-letter topic as they are read; the events are held in memory until every input is read.
   *
   * @throws ProduceException when Kafka did not acknowledge every record
   */
  public ProduceReport produceSorted(List<Path> inputs, Consumer<String> progress) {
    Run run = new Run(progress);
    List<NormalizeResult.Normalized> events = new ArrayList<>();
    reader.read(inputs, r -> {
      if (r instanceof NormalizeResult.Normalized n) {
        events.add(n);
      } else {
        run.send(r);
      }
    }, progress);
    events.sort(Comparator.comparing(NormalizeResult.Normalized::eventTime));
    progress.accept("sending " + events.size() + " events in event-time order");
    events.forEach(run::send);
    return run.finish();
  }

  /**
   * Produces already normalized results (an ingest path that normalizes itself).
   *
   * @param results normalized events, rejections and skips, produced in the given order
   * @throws ProduceException when Kafka did not acknowledge every record
   */
  public ProduceReport produceResults(List<? extends NormalizeResult> results, Consumer<String> progress) {
    Run run = new Run(progress);
    results.forEach(run::send);
    return run.finish();
  }

  /**
   * Sends already normalized results without waiting: events to their topics, rejections to the
   * dead-letter topic, as {@link #produceResults} does, but without flushing, so that many callers
   * (the HTTP ingest endpoint's request threads) can share this producer at once. Thread-safe.
   *
   * <p>{@code send} itself may block up to {@code max.block.ms} while the topic's metadata is unknown
   * (Kafka unreachable) or the producer's buffer is full; a send that fails that way fails the result.
   *
   * @param results normalized events, rejections and skips, sent in the given order
   * @return completes with the counts once Kafka acknowledged every record ({@code acks=all}); completes
   *     exceptionally with {@link ProduceException} when any record was not acknowledged
   */
  public java.util.concurrent.CompletableFuture<ProduceReport> produceAsync(List<? extends NormalizeResult> results) {
    Run run = new Run(message -> { });
    run.async = new java.util.concurrent.CompletableFuture<>();
    run.pending.incrementAndGet();
    for (NormalizeResult r : results) {
      try {
        run.send(r);
      } catch (ProduceException e) {
        run.failures.incrementAndGet();
        if (run.firstFailure.compareAndSet(null, e.getMessage())) {
          run.firstCause.set(e);
        }
        run.pending.decrementAndGet();
        break;
      }
    }
    run.arrive();
    return run.async;
  }

  /**
   * Sends one clock tick, timestamped {@code time}, to every partition of each input topic, and waits
   * for the acknowledgements. The topology treats a tick (null value, header
   * {@value #CLOCK_TICK_HEADER}=true) as no event, but it advances stream time on partitions that saw
   * no recent input, so event-time deadlines up to {@code time} get evaluated at the end of a replay.
   *
   * @return the number of ticks sent (the total partition count of the input topics)
   * @throws ProduceException when a tick was not acknowledged
   * @throws org.apache.kafka.common.errors.TimeoutException when a topic's partitions are not known
   *     within {@code max.block.ms} (the topic does not exist)
   */
  public int produceClockTicks(Instant time) {
    Run run = new Run(message -> { });
    int sent = 0;
    for (String logical : INPUT_TOPICS) {
      String topic = topicNames.apply(logical);
      List<PartitionInfo> partitions = producer.partitionsFor(topic);
      for (PartitionInfo p : partitions) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CLOCK_TICK_HEADER, "true".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, Object> tick =
            new ProducerRecord<>(topic, p.partition(), time.toEpochMilli(), null, null, headers);
        producer.send(tick, run.callback(topic, "clock tick " + topic + "/" + p.partition(), false));
        sent++;
      }
    }
    run.finish();
    LOG.info("sent {} clock ticks at {}", sent, time);
    return sent;
  }

  /** Flushes and closes the producer (waits up to 30 s for outstanding sends). */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  /** The counters and failures of one run; callbacks run on the producer's I/O thread. */
  private final class Run {
    private final Consumer<String> progress;
    private final Map<String, LongAdder> acked = new ConcurrentHashMap<>();
    private final LongAdder deadLettered = new LongAdder();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final AtomicReference<Exception> firstCause = new AtomicReference<>();
    private final List<String> rejections = new ArrayList<>();
    private long skipped;
    private long sent;
    private volatile Instant maxEventTime;
    /** Async runs only: completed by the last acknowledgement ({@link #produceAsync}). */
    private java.util.concurrent.CompletableFuture<ProduceReport> async;
    /** Async runs only: records sent and not yet acknowledged, plus one while sending. */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

    Run(Consumer<String> progress) {
      this.progress = progress;
    }

    void send(NormalizeResult result) {
      switch (result) {
        case NormalizeResult.Normalized n -> sendEvent(n);
        case NormalizeResult.Rejected r -> sendDeadLetter(r);
        case NormalizeResult.Skipped s -> skipped++;
      }
    }

    private void sendEvent(NormalizeResult.Normalized n) {
      String topic = topicNames.apply(n.topic());
      ProducerRecord<String, Object> rec =
          new ProducerRecord<>(topic, null, n.eventTime().toEpochMilli(), n.key(), n.value());
      dispatch(rec, callback(topic, n.origin(), false), n.origin());
      if (maxEventTime == null || n.eventTime().isAfter(maxEventTime)) {
        maxEventTime = n.eventTime();
      }
      for (NormalizeResult.Rejected report : n.validationReports()) {
        sendDeadLetter(report); // the record is kept (above); each unreadable field is reported too
      }
    }

    private void sendDeadLetter(NormalizeResult.Rejected r) {
      String topic = topicNames.apply(Topics.DEAD_LETTER);
      byte[] value = r.raw();
      String reason = r.reason();
      if (value.length > MAX_DEAD_LETTER_BYTES) {
        reason += " [raw value cut to its first " + MAX_DEAD_LETTER_BYTES + " of " + value.length + " bytes]";
        value = Arrays.copyOf(value, MAX_DEAD_LETTER_BYTES);
      }
      RecordHeaders headers = new RecordHeaders();
      DeadLetterHeaders.put(headers, DeadLetterHeaders.FILE, r.file());
      DeadLetterHeaders.put(headers, DeadLetterHeaders.LINE, r.line());
      DeadLetterHeaders.put(headers, DeadLetterHeaders.FIELD, r.field());
      DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, reason);
      String origin = r.file() + ":" + r.line();
      ProducerRecord<String, Object> rec = new ProducerRecord<>(topic, null, null, origin, value, headers);
      rejections.add(r.describe());
      LOG.debug("rejected {}", r.describe());
      dispatch(rec, callback(topic, origin, true), origin);
    }

    private void dispatch(ProducerRecord<String, Object> rec, org.apache.kafka.clients.producer.Callback cb,
        String origin) {
      if (async != null) {
        pending.incrementAndGet();
      }
      try {
        producer.send(rec, cb);
      } catch (RuntimeException e) {
        if (async != null) {
          throw new ProduceException(origin + ": cannot send to " + rec.topic() + ": " + e.getMessage(),
              report(), e);
        }
        producer.flush();
        throw new ProduceException(origin + ": cannot send to " + rec.topic() + ": " + e.getMessage(),
            report(), e);
      }
      if (++sent % PROGRESS_EVERY == 0) {
        progress.accept("sent " + sent + " records");
      }
    }

    org.apache.kafka.clients.producer.Callback callback(String topic, String origin, boolean deadLetter) {
      return (metadata, exception) -> {
        if (exception != null) {
          failures.incrementAndGet();
          if (firstFailure.compareAndSet(null, origin + " -> " + topic + ": " + exception)) {
            firstCause.set(exception);
          }
        } else if (deadLetter) {
          deadLettered.increment();
        } else {
          acked.computeIfAbsent(topic, t -> new LongAdder()).increment();
        }
        if (async != null) {
          arrive();
        }
      };
    }

    /** Async runs: one record (or the sender) is done; the last one completes {@link #async}. */
    void arrive() {
      if (pending.decrementAndGet() != 0) {
        return;
      }
      ProduceReport report = report();
      if (failures.get() > 0) {
        async.completeExceptionally(new ProduceException(failures.get()
            + " record(s) were not acknowledged by Kafka; first: " + firstFailure.get(), report, firstCause.get()));
      } else {
        async.complete(report);
      }
    }

    ProduceReport report() {
      Map<String, Long> produced = new HashMap<>();
      acked.forEach((t, n) -> produced.put(t, n.sum()));
      return new ProduceReport(produced, deadLettered.sum(), skipped, maxEventTime, rejections);
    }

    ProduceReport finish() {
      producer.flush();
      ProduceReport report = report();
      if (failures.get() > 0) {
        throw new ProduceException(failures.get() + " record(s) were not acknowledged by Kafka; first: "
            + firstFailure.get(), report, firstCause.get());
      }
      progress.accept(report.summary());
      LOG.info("{}", report.summary());
      return report;
    }
  }
}
