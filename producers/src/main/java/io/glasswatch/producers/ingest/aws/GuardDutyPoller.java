package io.glasswatch.producers.ingest.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.SourceRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.guardduty.GuardDutyClient;
import software.amazon.awssdk.services.guardduty.model.Condition;
import software.amazon.awssdk.services.guardduty.model.Finding;
import software.amazon.awssdk.services.guardduty.model.FindingCriteria;
import software.amazon.awssdk.services.guardduty.model.GetFindingsRequest;
import software.amazon.awssdk.services.guardduty.model.ListDetectorsRequest;
import software.amazon.awssdk.services.guardduty.model.ListDetectorsResponse;
import software.amazon.awssdk.services.guardduty.model.ListFindingsRequest;
import software.amazon.awssdk.services.guardduty.model.ListFindingsResponse;
import software.amazon.awssdk.services.guardduty.model.OrderBy;
import software.amazon.awssdk.services.guardduty.model.SortCriteria;

/**
 * Polls the GuardDuty findings of one account and region (Amazon GuardDuty API Reference,
 * "ListDetectors", "ListFindings", "GetFindings") and produces new and updated findings to
 * {@code guardduty-findings}.
 *
 * <p>Rule: each poll lists the detectors, then per detector lists the ids of findings whose
 * {@code updatedAt} is at or after {@code checkpoint - overlap} (criterion {@code updatedAt}
 * {@code greaterThanOrEqual}, epoch milliseconds; {@code type} {@code eq} the configured finding types,
 * none meaning every type), sorted by {@code updatedAt} ascending, through every page; fetches them
 * with {@code GetFindings} in batches of 50 (the API's limit); and skips findings whose id and
 * {@code updatedAt} it produced before. A finding updated again (new {@code updatedAt}, e.g. a higher
 * {@code service.count}) is produced again. Each finding becomes its camelCase JSON ({@link SdkJson}) and
 * is normalized by {@link Normalizer}. The checkpoint ({@link WindowCheckpoint}, key
 * {@code guardduty:<account>:<region>}) is written after Kafka acknowledged, as for
 * {@link CloudTrailPoller}; the same limiter and backoff apply. Not thread-safe: one thread polls.
 */
public final class GuardDutyPoller extends WindowPoller {
  /** Metrics source name. */
  public static final String SOURCE = "guardduty";
  /** GetFindings takes at most 50 ids. */
  public static final int BATCH = 50;
  private static final Logger LOG = LoggerFactory.getLogger(GuardDutyPoller.class);

  /**
   * Poller options.
   *
   * @param account account label
   * @param region AWS region
   * @param findingTypes finding types to ask for; empty means every type
   * @param overlap how far before the checkpoint each poll asks again
   * @param initialLookback start of the first window without checkpoint, before now
   * @param backoffBase first retry delay after throttling
   * @param maxAttempts attempts per request
   */
  public record Options(String account, String region, List<String> findingTypes, Duration overlap,
      Duration initialLookback, Duration backoffBase, int maxAttempts) {
    /** Validates and copies. */
    public Options {
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(region, "region");
      findingTypes = List.copyOf(findingTypes);
    }
  }

  private final GuardDutyClient client;
  private final Options options;

  /** A poller; see {@link CloudTrailPoller#CloudTrailPoller} for the parameters. */
  public GuardDutyPoller(GuardDutyClient client, Options options, RateLimiter limiter, CheckpointStore checkpoints,
      EventProducer producer, IngestMetrics metrics, Clock clock) {
    super(SOURCE, options.account(), options.region(), options.overlap(), options.initialLookback(),
        options.backoffBase(), options.maxAttempts(), limiter, checkpoints, producer, metrics, clock);
    this.client = client;
    this.options = options;
  }

  /**
   * Polls once: detectors, finding ids, findings, produce, checkpoint.
   *
   * @throws AwsIngestException when GuardDuty failed for good (checkpoint unchanged)
   * @throws io.glasswatch.producers.kafka.ProduceException when Kafka did not acknowledge (checkpoint unchanged)
   * @throws InterruptedException when interrupted
   */
  public PollResult pollOnce() throws InterruptedException {
    Instant end = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Window w = open(end);
    Instant since = w.start();
    Map<String, Instant> seen = w.seen();
    String sourceName = checkpointKey();
    int[] requests = {0};
    List<String> detectors = new ArrayList<>();
    String token = null;
    do {
      ListDetectorsRequest req = ListDetectorsRequest.builder().nextToken(token).build();
      ListDetectorsResponse resp = calls.call("ListDetectors", () -> client.listDetectors(req));
      requests[0]++;
      detectors.addAll(resp.detectorIds());
      token = resp.nextToken();
    } while (token != null && !token.isEmpty());

    Map<String, Condition> criterion = new LinkedHashMap<>();
    criterion.put("updatedAt", Condition.builder().greaterThanOrEqual(since.toEpochMilli()).build());
    if (!options.findingTypes().isEmpty()) {
      criterion.put("type", Condition.builder().eq(options.findingTypes()).build());
    }
    List<NormalizeResult> results = new ArrayList<>();
    int fetched = 0;
    int duplicates = 0;
    for (String detector : detectors) {
      List<String> ids = new ArrayList<>();
      token = null;
      do {
        ListFindingsRequest req = ListFindingsRequest.builder().detectorId(detector)
            .findingCriteria(FindingCriteria.builder().criterion(criterion).build())
            .sortCriteria(SortCriteria.builder().attributeName("updatedAt").orderBy(OrderBy.ASC).build())
            .maxResults(BATCH).nextToken(token).build();
        ListFindingsResponse resp = calls.call("ListFindings", () -> client.listFindings(req));
        requests[0]++;
        ids.addAll(resp.findingIds());
        token = resp.nextToken();
      } while (token != null && !token.isEmpty());
      for (int i = 0; i < ids.size(); i += BATCH) {
        List<String> batch = ids.subList(i, Math.min(ids.size(), i + BATCH));
        GetFindingsRequest req = GetFindingsRequest.builder().detectorId(detector).findingIds(batch).build();
        List<Finding> findings = calls.call("GetFindings", () -> client.getFindings(req)).findings();
        requests[0]++;
        for (Finding f : findings) {
          fetched++;
          String key = f.id() + "@" + f.updatedAt();
          if (seen.containsKey(key)) {
            duplicates++;
            continue;
          }
          seen.put(key, parseOr(f.updatedAt(), end));
          JsonNode json = SdkJson.toJson(f);
          normalizer.normalize(json, SourceRef.of(sourceName, fetched), null, results::add);
        }
      }
    }
    PollResult r = close(w, results, requests[0], fetched, duplicates);
    LOG.info("{}: updatedAt >= {}: {}", checkpointKey(), since, r);
    return r;
  }

  private static Instant parseOr(String time, Instant fallback) {
    try {
      return time == null ? fallback : Instant.parse(time);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }
}
