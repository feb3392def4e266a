package io.glasswatch.producers.ingest.jit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.ingest.aws.RateLimiter;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.ProduceReport;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.NativeFormats;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.core.SourceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads the JIT controller's {@code jit_audit} table live, from its DynamoDB stream (Amazon DynamoDB
 * Streams API: {@code DescribeStream}, {@code GetShardIterator}, {@code GetRecords};
 * docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html), and produces each new item
 * as the normalizer reads a Streams record ({@link NativeFormats}) to {@code gateway-events}.
 *
 * <p>Rule, per poll: list every shard of the stream (all pages of {@code DescribeStream}); read each
 * shard whose parent is finished or gone (so a resharded stream is read parent before child, keeping
 * one request's items in order), from the checkpointed sequence number
 * ({@code AFTER_SEQUENCE_NUMBER}) or, for a shard never read, from {@code TRIM_HORIZON}; call
 * {@code GetRecords} until the shard is closed and drained ({@code NextShardIterator} absent: the shard
 * is then finished) or an open shard returns no record (caught up), at most
 * {@link Options#maxCallsPerShard()} calls. After Kafka acknowledged a batch, the shard's last sequence
 * number is written to the checkpoint store under {@code jit-audit-stream:<stream ARN>} (JSON
 * {@code {"shards": {"<shard id>": {"seq": "...", "done": true|false}}}}): a crash between the two
 * re-reads a batch (the events' fact digests make the copies one fact downstream), and a restart never
 * skips. An expired iterator is renewed from the checkpoint; a checkpoint older than the stream's
 * 24-hour retention ({@code TrimmedDataAccessException}) restarts the shard at {@code TRIM_HORIZON}
 * and counts {@code glasswatch_ingest_rejected_total{source="jit-audit-stream",reason="trimmed"}}
 * (records were lost before Glasswatch read them). Throttling ({@code LimitExceededException},
 * {@code ThrottlingException}, HTTP 429), 5xx answers and connection failures are retried with bounded
 * exponential backoff through a {@link RateLimiter}; other errors fail the poll, checkpoint unchanged.
 *
 * <p>Enrichment: before a {@code GRANTED} item, the request's {@code jit_requests} item is read
 * ({@code GetItem}, consistent) when a requests table is configured, so the grant carries its end
 * time and the assignment's principal ({@code identity_store_user_id}).
 *
 * <p>IAM (least privilege): {@code dynamodb:DescribeStream}, {@code dynamodb:GetShardIterator},
 * {@code dynamodb:GetRecords} on {@code arn:aws:dynamodb:<region>:<account>:table/jit_audit/stream/*}
 * and {@code dynamodb:GetItem} on {@code arn:aws:dynamodb:<region>:<account>:table/jit_requests}.
 *
 * <p>Not thread-safe: one thread polls.
 */
public final class JitAuditStreamReader {
  /** Metrics source name. */
  public static final String SOURCE = "jit-audit-stream";
  private static final Logger LOG = LoggerFactory.getLogger(JitAuditStreamReader.class);
  /** Whether the last {@link #pollOnce} read every shard up to its end (for the source's progress marks). */
  private volatile boolean lastPollCaughtUp;
  private static final Duration CAP = Duration.ofSeconds(30);

  /**
   * Reader options.
   *
   * @param streamArn the {@code jit_audit} table's stream ARN (view type NEW_IMAGE or NEW_AND_OLD_IMAGES)
   * @param requestsTable the {@code jit_requests} table name for enrichment, or null for none
   * @param maxCallsPerShard GetRecords calls per shard and poll (at least 1)
   * @param recordsPerCall GetRecords limit (1-1000)
   * @param backoffBase first backoff
   * @param maxAttempts attempts per call (at least 1)
   */
  public record Options(String streamArn, String requestsTable, int maxCallsPerShard, int recordsPerCall,
      Duration backoffBase, int maxAttempts) {
    /** Validates. */
    public Options {
      Objects.requireNonNull(streamArn, "streamArn");
      if (maxCallsPerShard < 1 || recordsPerCall < 1 || recordsPerCall > 1000 || maxAttempts < 1) {
        throw new IllegalArgumentException("maxCallsPerShard >= 1, recordsPerCall 1-1000, maxAttempts >= 1");
      }
    }
  }

  /**
   * What one poll did.
   *
   * @param shards shards in the stream
   * @param records stream records read
   * @param produced events produced
   * @param rejected records sent to the dead-letter topic
   */
  public record PollResult(int shards, int records, long produced, long rejected) {}

  private final DynamoDbStreamsClient streams;
  private final DynamoDbClient dynamo;
  private final Options options;
  private final NativeFormats formats;
  private final RateLimiter limiter;
  private final CheckpointStore checkpoints;
  private final EventProducer producer;
  private final IngestMetrics metrics;

  /**
   * A reader.
   *
   * @param streams the DynamoDB Streams client (SDK retries off: this reader retries)
   * @param dynamo the DynamoDB client for {@code jit_requests}, or null when {@code options.requestsTable()} is null
   * @param formats the normalizer of the controller's records (its settings: instance, permission set)
   */
  public JitAuditStreamReader(DynamoDbStreamsClient streams, DynamoDbClient dynamo, Options options,
      NativeFormats formats, RateLimiter limiter, CheckpointStore checkpoints, EventProducer producer,
      IngestMetrics metrics) {
    this.streams = streams;
    this.dynamo = dynamo;
    this.options = options;
    this.formats = formats;
    this.limiter = limiter;
    this.checkpoints = checkpoints;
    this.producer = producer;
    this.metrics = metrics;
  }

  /** {@code jit-audit-stream:<stream ARN>}. */
  public String checkpointKey() {
    return SOURCE + ":" + options.streamArn();
  }

  /**
   * Whether the last {@link #pollOnce} returned normally with every open shard read until GetRecords
   * returned no record (or the shard closed): everything the stream held when the poll started was
   * produced. False before the first poll and after a poll that failed or stopped at
   * {@code maxCallsPerShard}.
   */
  public boolean caughtUp() {
    return lastPollCaughtUp;
  }

  /**
   * Reads every shard as far as it goes now.
   *
   * @throws io.glasswatch.producers.ingest.aws.AwsIngestException when an AWS call failed for good
   * @throws io.glasswatch.producers.kafka.ProduceException when Kafka did not acknowledge (checkpoint unchanged)
   * @throws InterruptedException when interrupted while waiting
   */
  public PollResult pollOnce() throws InterruptedException {
    lastPollCaughtUp = false;
    List<Shard> shards = describe();
    Map<String, Shard> byId = new LinkedHashMap<>();
    shards.forEach(s -> byId.put(s.shardId(), s));
    ObjectNode cp = loadCheckpoint();
    ObjectNode state = (ObjectNode) cp.get("shards");
    // forget finished shards the stream no longer lists (trimmed after its 24-hour retention)
    List<String> gone = new ArrayList<>();
    state.properties().forEach(e -> {
      if (!byId.containsKey(e.getKey()) && e.getValue().path("done").asBoolean()) {
        gone.add(e.getKey());
      }
    });
    gone.forEach(state::remove);
    int records = 0;
    long produced = 0;
    long rejected = 0;
    boolean progress = true;
    lastPollCaughtUp = true;
    java.util.Set<String> visited = new java.util.HashSet<>();
    while (progress) {
      progress = false;
      for (Shard s : shards) {
        if (visited.contains(s.shardId()) || state.path(s.shardId()).path("done").asBoolean()) {
          continue;
        }
        String parent = s.parentShardId();
        if (parent != null && byId.containsKey(parent) && !state.path(parent).path("done").asBoolean()) {
          continue; // the parent's records come first
        }
        visited.add(s.shardId());
        progress = true;
        long[] counts = drain(s, cp, state);
        records += (int) counts[0];
        produced += counts[1];
        rejected += counts[2];
      }
    }
    metrics.checkpoint(SOURCE, options.streamArn(), Instant.now());
    return new PollResult(shards.size(), records, produced, rejected);
  }

  private List<Shard> describe() throws InterruptedException {
    List<Shard> out = new ArrayList<>();
    String start = null;
    do {
      String from = start;
      StreamDescription d = call("DescribeStream", () -> streams.describeStream(r -> r.streamArn(options.streamArn())
          .exclusiveStartShardId(from))).streamDescription();
      out.addAll(d.shards());
      start = d.lastEvaluatedShardId();
    } while (start != null);
    return out;
  }

  /** Reads one shard; returns {records, produced, rejected}. */
  private long[] drain(Shard shard, ObjectNode cp, ObjectNode state) throws InterruptedException {
    String id = shard.shardId();
    String seq = state.path(id).path("seq").asText(null);
    String iterator = iterator(id, seq);
    long[] counts = new long[3];
    for (int call = 0; call < options.maxCallsPerShard() && iterator != null; call++) {
      String it = iterator;
      GetRecordsResponse resp;
      try {
        resp = call("GetRecords", () -> streams.getRecords(r -> r.shardIterator(it).limit(options.recordsPerCall())));
      } catch (ExpiredIteratorException e) {
        iterator = iterator(id, seq);
        continue;
      }
      List<NormalizeResult> results = new ArrayList<>();
      for (Record rec : resp.records()) {
        normalize(rec, id, results);
        seq = rec.dynamodb().sequenceNumber();
      }
      boolean closed = resp.nextShardIterator() == null;
      if (!resp.records().isEmpty() || closed) {
        if (!results.isEmpty()) {
          ProduceReport report = producer.produceResults(results, line -> { });
          counts[1] += report.producedTotal();
          counts[2] += report.rejected();
          metrics.eventsIn(SOURCE, report.producedTotal());
          metrics.rejected(SOURCE, "invalid_event", report.rejected());
        }
        ObjectNode s = state.putObject(id);
        if (seq != null) {
          s.put("seq", seq);
        }
        s.put("done", closed);
        checkpoints.put(checkpointKey(), Json.compact(cp));
      }
      counts[0] += resp.records().size();
      if (closed || resp.records().isEmpty()) {
        return counts;
      }
      iterator = resp.nextShardIterator();
    }
    lastPollCaughtUp = false; // stopped at maxCallsPerShard with records left, or the shard's iterator is gone
    return counts;
  }

  private String iterator(String shardId, String afterSeq) throws InterruptedException {
    if (afterSeq != null) {
      try {
        return call("GetShardIterator", () -> streams.getShardIterator(r -> r.streamArn(options.streamArn())
            .shardId(shardId).shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(afterSeq)))
            .shardIterator();
      } catch (TrimmedDataAccessException e) {
        metrics.rejected(SOURCE, "trimmed", 1);
        LOG.warn("{} shard {}: the checkpoint is older than the stream's retention; records after it were lost;"
            + " reading from TRIM_HORIZON", options.streamArn(), shardId);
      }
    }
    return call("GetShardIterator", () -> streams.getShardIterator(r -> r.streamArn(options.streamArn())
        .shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))).shardIterator();
  }

  private void normalize(Record rec, String shardId, List<NormalizeResult> out) throws InterruptedException {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("eventID", rec.eventID());
    node.put("eventName", rec.eventNameAsString());
    node.put("eventSource", "aws:dynamodb");
    node.put("eventSourceARN", options.streamArn());
    ObjectNode ddb = node.putObject("dynamodb");
    ddb.put("SequenceNumber", rec.dynamodb().sequenceNumber());
    if (rec.dynamodb().hasKeys()) {
      ddb.set("Keys", AttributeJson.item(rec.dynamodb().keys()));
    }
    if (rec.dynamodb().hasNewImage()) {
      ddb.set("NewImage", AttributeJson.item(rec.dynamodb().newImage()));
      AttributeValue type = rec.dynamodb().newImage().get("event_type");
      AttributeValue request = rec.dynamodb().newImage().get("request_id");
      if (type != null && "GRANTED".equals(type.s()) && request != null && request.s() != null) {
        enrich(request.s(), out);
      }
    }
    SourceRef src = SourceRef.of("dynamodb-stream:" + shardId + ":" + rec.dynamodb().sequenceNumber(), 1);
    formats.normalize(node, src, null, out::add);
  }

  private void enrich(String requestId, List<NormalizeResult> out) throws InterruptedException {
    if (options.requestsTable() == null || dynamo == null) {
      return;
    }
    Map<String, AttributeValue> item = call("GetItem", () -> dynamo.getItem(r -> r.tableName(options.requestsTable())
        .key(Map.of("request_id", AttributeValue.fromS(requestId))).consistentRead(true))).item();
    if (item == null || item.isEmpty()) {
      return;
    }
    ObjectNode put = Json.MAPPER.createObjectNode();
    put.put("TableName", options.requestsTable());
    put.set("Item", AttributeJson.item(item));
    formats.normalize(put, SourceRef.of("dynamodb:" + options.requestsTable() + ":" + requestId, 1), null, out::add);
  }

  private ObjectNode loadCheckpoint() {
    ObjectNode cp = Json.MAPPER.createObjectNode();
    checkpoints.get(checkpointKey()).ifPresent(text -> {
      try {
        JsonNode n = Json.MAPPER.readTree(text);
        if (n != null && n.isObject()) {
          cp.setAll((ObjectNode) n);
        }
      } catch (java.io.IOException e) {
        LOG.warn("{}: unreadable checkpoint, reading every shard from TRIM_HORIZON", checkpointKey());
      }
    });
    if (!cp.path("shards").isObject()) {
      cp.putObject("shards");
    }
    return cp;
  }

  private <T> T call(String what, Supplier<T> call) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      limiter.acquire();
      try {
        return call.get();
      } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
        throw e;
      } catch (AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        boolean throttled = e.isThrottlingException() || e.statusCode() == 429 || "LimitExceededException".equals(code)
            || "ProvisionedThroughputExceededException".equals(code);
        if (!throttled && e.statusCode() < 500) {
          metrics.rejected(SOURCE, "aws_error", 1);
          throw new io.glasswatch.producers.ingest.aws.AwsIngestException(what + " failed: " + code + " (HTTP "
              + e.statusCode() + "): " + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()), e);
        }
        metrics.rejected(SOURCE, throttled ? "throttled" : "aws_error", 1);
        backoff(what, attempt, e);
      } catch (SdkClientException e) {
        metrics.rejected(SOURCE, "aws_error", 1);
        backoff(what, attempt, e);
      }
    }
  }

  private void backoff(String what, int attempt, RuntimeException e) throws InterruptedException {
    if (attempt >= options.maxAttempts()) {
      throw new io.glasswatch.producers.ingest.aws.AwsIngestException(what + " failed after " + attempt + " attempts: "
          + e.getMessage(), e);
    }
    long full = Math.min(CAP.toMillis(), options.backoffBase().toMillis() << Math.min(attempt - 1, 20));
    long wait = full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
    LOG.info("{} attempt {} failed ({}); retrying in {} ms", what, attempt, e.getMessage(), wait);
    TimeUnit.MILLISECONDS.sleep(wait);
  }
}
