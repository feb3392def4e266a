package io.glasswatch.producers.ingest.aws;

import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.SourceRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/**
 * Polls CloudTrail's event history of one account and region with {@code LookupEvents} (AWS CloudTrail
 * API Reference, "LookupEvents") and produces every new record to {@code cloudtrail-events}.
 *
 * <p>Rule: each poll asks for {@code [checkpoint - overlap, now]} once per configured lookup attribute
 * (the API takes one attribute per request), follows {@code NextToken} through every page (50 events a
 * page), and skips events whose {@code EventId} it produced before; only after Kafka acknowledged the new
 * events does it write its checkpoint ({@link WindowCheckpoint}: the window end and the ids seen within
 * {@code overlap} of it) to the checkpoint topic. The overlap re-reads the recent past, because
 * CloudTrail delivers events to its history minutes after they happened: an event that appears late
 * with an earlier {@code eventTime} is still picked up, and an event seen before is not produced twice.
 * A restart loads the checkpoint and goes on with no gap and no duplicate. Without a checkpoint the
 * first window starts {@code initialLookback} before now.
 *
 * <p>Requests pass a {@link RateLimiter} (LookupEvents allows 2 requests per second per account and
 * region); throttling and 5xx answers are retried with exponential backoff ({@link AwsCalls}). The
 * {@code CloudTrailEvent} string of each event is the CloudTrail record, normalized by
 * {@link Normalizer}; one that does not normalize goes to the dead-letter topic with source
 * {@code cloudtrail:<account>:<region>} and its position in the poll as line. Not thread-safe: one
 * thread polls.
 */
public final class CloudTrailPoller extends WindowPoller {
  /** Metrics source name. */
  public static final String SOURCE = "cloudtrail";
  private static final Logger LOG = LoggerFactory.getLogger(CloudTrailPoller.class);
  private static final int PAGE_SIZE = 50;

  /**
   * Poller options.
   *
   * @param account account label (the 12-digit id, or {@code default} for the default credentials)
   * @param region AWS region
   * @param lookupAttributes {@code AttributeKey → AttributeValue} filters, one query each per poll
   * @param overlap how far before the checkpoint each poll starts
   * @param initialLookback start of the first window without checkpoint, before now
   * @param backoffBase first retry delay after throttling
   * @param maxAttempts attempts per request before a poll fails
   */
  public record Options(String account, String region, List<Map.Entry<String, String>> lookupAttributes,
      Duration overlap, Duration initialLookback, Duration backoffBase, int maxAttempts) {
    /** Validates and copies. */
    public Options {
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(region, "region");
      lookupAttributes = List.copyOf(lookupAttributes);
      if (lookupAttributes.isEmpty() || maxAttempts < 1) {
        throw new IllegalArgumentException("at least one lookup attribute and one attempt");
      }
    }
  }

  private final CloudTrailClient client;
  private final Options options;

  /**
   * A poller.
   *
   * @param client CloudTrail client of the account and region, SDK retries off
   * @param limiter the account and region's request limiter
   * @param checkpoints the checkpoint store (key {@link #checkpointKey()})
   * @param producer producer of the input and dead-letter topics
   */
  public CloudTrailPoller(CloudTrailClient client, Options options, RateLimiter limiter, CheckpointStore checkpoints,
      EventProducer producer, IngestMetrics metrics, Clock clock) {
    super(SOURCE, options.account(), options.region(), options.overlap(), options.initialLookback(),
        options.backoffBase(), options.maxAttempts(), limiter, checkpoints, producer, metrics, clock);
    this.client = client;
    this.options = options;
  }

  /**
   * Polls once: every filter, every page, then produce, then checkpoint.
   *
   * @throws AwsIngestException when CloudTrail failed for good (the checkpoint is unchanged)
   * @throws io.glasswatch.producers.kafka.ProduceException when Kafka did not acknowledge (checkpoint unchanged)
   * @throws InterruptedException when interrupted
   */
  public PollResult pollOnce() throws InterruptedException {
    Instant end = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Window w = open(end);
    Instant start = w.start();
    Map<String, Instant> seen = w.seen();
    String sourceName = checkpointKey();
    List<NormalizeResult> results = new ArrayList<>();
    int requests = 0;
    int fetched = 0;
    int duplicates = 0;
    for (Map.Entry<String, String> attr : options.lookupAttributes()) {
      String token = null;
      do {
        LookupEventsRequest req = LookupEventsRequest.builder()
            .lookupAttributes(LookupAttribute.builder().attributeKey(attr.getKey()).attributeValue(attr.getValue()).build())
            .startTime(start).endTime(end).maxResults(PAGE_SIZE).nextToken(token).build();
        LookupEventsResponse resp = calls.call("LookupEvents", () -> client.lookupEvents(req));
        requests++;
        for (Event e : resp.events()) {
          fetched++;
          String id = e.eventId();
          if (id != null && seen.containsKey(id)) {
            duplicates++;
            continue;
          }
          if (id != null) {
            seen.put(id, e.eventTime() == null ? end : e.eventTime());
          }
          SourceRef src = SourceRef.of(sourceName, fetched);
          if (e.cloudTrailEvent() == null) {
            results.add(new NormalizeResult.Rejected(sourceName, fetched, "CloudTrailEvent",
                "lookupevents: missing required field CloudTrailEvent (EventId " + id + ")",
                ("{\"EventId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)));
          } else {
            results.addAll(normalizer.normalizeJson(e.cloudTrailEvent(), src));
          }
        }
        token = resp.nextToken();
      } while (token != null && !token.isEmpty());
    }
    PollResult r = close(w, results, requests, fetched, duplicates);
    LOG.info("{}: window {} .. {}: {}", checkpointKey(), start, end, r);
    return r;
  }
}
