package io.glasswatch.producers.ingest.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The live ingest metrics (Micrometer, exposed in Prometheus text format by {@link #scrape()} and the
 * endpoint's {@code GET /metrics}):
 *
 * <ul>
 *   <li>{@code glasswatch_ingest_events_total{source}}: events handed to Kafka and acknowledged;
 *       {@code source} is {@code http}, {@code cloudtrail}, {@code guardduty}, {@code cloudtrail-log}
 *       or {@code tail};
 *   <li>{@code glasswatch_ingest_rejected_total{source,reason}}: rejected requests or events, by reason
 *       ({@code unauthenticated}, {@code bad_signature}, {@code stale_timestamp}, {@code replayed_nonce},
 *       {@code unknown_key}, {@code malformed_json}, {@code invalid_event}, {@code too_large},
 *       {@code backpressure}, {@code kafka_unavailable}, {@code throttled}, {@code aws_error});
 *   <li>{@code glasswatch_ingest_lag_seconds{source,target}}: wall clock minus the component's
 *       checkpoint time (pollers) or unread bytes (tailer, {@code glasswatch_ingest_lag_bytes});
 *   <li>{@code glasswatch_ingest_checkpoints_total{source,target}} and
 *       {@code glasswatch_ingest_checkpoint_time_seconds{source,target}} (epoch seconds of the last one);
 *   <li>{@code glasswatch_ingest_request_seconds} (HTTP request latency) and
 *       {@code glasswatch_ingest_in_flight_events}.
 * </ul>
 *
 * Thread-safe.
 */
public final class IngestMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private final Map<String, AtomicLong> checkpointTimes = new ConcurrentHashMap<>();

  /** Metrics on the system clock. */
  public IngestMetrics() {
    this(Clock.systemUTC());
  }

  /** Metrics whose lag is measured on {@code clock}. */
  public IngestMetrics(Clock clock) {
    this.clock = clock;
  }

  /** The registry (for extra meters). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts {@code n} acknowledged events of {@code source}. */
  public void eventsIn(String source, long n) {
    if (n > 0) {
      Counter.builder("glasswatch.ingest.events").description("events acknowledged by Kafka")
          .tag("source", source).register(registry).increment(n);
    }
  }

  /** Counts {@code n} rejections of {@code source} for {@code reason}. */
  public void rejected(String source, String reason, long n) {
    if (n > 0) {
      Counter.builder("glasswatch.ingest.rejected").description("rejected requests or events")
          .tag("source", source).tag("reason", reason).register(registry).increment(n);
    }
  }

  /** The count of rejections so far (tests). */
  public double rejectedCount(String source, String reason) {
    Counter c = registry.find("glasswatch.ingest.rejected").tag("source", source).tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  /** The count of acknowledged events so far (tests). */
  public double eventsCount(String source) {
    Counter c = registry.find("glasswatch.ingest.events").tag("source", source).counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Records a checkpoint of {@code target} at {@code time} (what it covers up to): counts it and sets the
   * lag gauge to {@code now - time}.
   */
  public void checkpoint(String source, String target, Instant time) {
    Counter.builder("glasswatch.ingest.checkpoints").tag("source", source).tag("target", target)
        .register(registry).increment();
    AtomicLong t = checkpointTimes.computeIfAbsent(source + "|" + target, k -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder("glasswatch.ingest.checkpoint.time", v, AtomicLong::get).baseUnit("seconds")
          .tag("source", source).tag("target", target).register(registry);
      Gauge.builder("glasswatch.ingest.lag", v, x -> x.get() == 0 ? 0
              : Math.max(0, clock.millis() / 1000.0 - x.get())).baseUnit("seconds")
          .description("wall clock minus the checkpoint time").tag("source", source).tag("target", target)
          .register(registry);
      return v;
    });
    t.set(time.getEpochSecond());
  }

  /** Registers a gauge of unread bytes of a tailed file. */
  public void lagBytes(String target, Supplier<Number> unread) {
    Gauge.builder("glasswatch.ingest.lag.bytes", unread, s -> s.get().doubleValue()).tag("source", "tail")
        .tag("target", target).register(registry);
  }

  /** Registers the in-flight gauge of the HTTP endpoint. */
  public void inFlight(Supplier<Number> events) {
    Gauge.builder("glasswatch.ingest.in.flight.events", events, s -> s.get().doubleValue()).register(registry);
  }

  /** Records one HTTP request's latency with its status. */
  public void request(int status, Duration took) {
    Timer.builder("glasswatch.ingest.request").tag("status", Integer.toString(status))
        .register(registry).record(took);
  }

  /** The metrics in Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }
}
