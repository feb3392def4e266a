package io.glasswatch.producers.ingest.aws;

import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.ProduceReport;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the AWS pollers ({@link CloudTrailPoller}, {@link GuardDutyPoller}) share: one account and
 * region, requests through {@link AwsCalls}, a {@link WindowCheckpoint} under
 * {@code <source>:<account>:<region>}, and the end of every poll: produce, then (only after Kafka
 * acknowledged) keep the ids seen within {@code overlap} of the window end and write the checkpoint,
 * then count. Not thread-safe: one thread polls.
 */
abstract class WindowPoller {
  /** The poll's window: where it starts, and the ids (with their times) produced before. */
  record Window(Instant start, Instant end, Map<String, Instant> seen) {}

  private final String source;
  private final String account;
  private final String region;
  private final Duration overlap;
  private final Duration initialLookback;
  private final CheckpointStore checkpoints;
  private final EventProducer producer;
  private final IngestMetrics metrics;
  /** Requests with rate limit and backoff. */
  final AwsCalls calls;
  /** The normalizer of the polled records. */
  final Normalizer normalizer = new Normalizer();
  final Clock clock;

  WindowPoller(String source, String account, String region, Duration overlap, Duration initialLookback,
      Duration backoffBase, int maxAttempts, RateLimiter limiter, CheckpointStore checkpoints, EventProducer producer,
      IngestMetrics metrics, Clock clock) {
    this.source = source;
    this.account = account;
    this.region = region;
    this.overlap = overlap;
    this.initialLookback = initialLookback;
    this.checkpoints = checkpoints;
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
    this.calls = new AwsCalls(limiter, backoffBase, maxAttempts, metrics, source);
  }

  /** {@code <source>:<account>:<region>}: the checkpoint key, and the source name of dead letters. */
  public String checkpointKey() {
    return source + ":" + account + ":" + region;
  }

  /**
   * The window of a poll ending at {@code end}: from the checkpoint minus the overlap, or
   * {@code initialLookback} before {@code end} without a checkpoint.
   */
  Window open(Instant end) {
    WindowCheckpoint cp = checkpoints.get(checkpointKey()).map(WindowCheckpoint::parse).orElse(null);
    Instant start = cp == null ? end.minus(initialLookback) : cp.until().minus(overlap);
    return new Window(start, end, new HashMap<>(cp == null ? Map.of() : cp.seen()));
  }

  /**
   * Ends a poll: produces {@code results}, then writes the checkpoint (the window end and the ids seen
   * within the overlap of it) and the metrics.
   *
   * @throws io.glasswatch.producers.kafka.ProduceException when Kafka did not acknowledge (checkpoint unchanged)
   */
  PollResult close(Window w, List<NormalizeResult> results, int requests, int fetched, int duplicates) {
    ProduceReport report = producer.produceResults(results, line -> { });
    Instant keepFrom = w.end().minus(overlap);
    Map<String, Instant> keep = new HashMap<>();
    w.seen().forEach((id, t) -> {
      if (!t.isBefore(keepFrom)) {
        keep.put(id, t);
      }
    });
    checkpoints.put(checkpointKey(), new WindowCheckpoint(w.end(), keep).toJson());
    metrics.eventsIn(source, report.producedTotal());
    metrics.rejected(source, "invalid_event", report.rejected());
    metrics.checkpoint(source, account + ":" + region, w.end());
    return new PollResult(requests, fetched, duplicates, report.producedTotal(), report.rejected(), w.end());
  }
}
