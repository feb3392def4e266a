package io.glasswatch.producers.ingest.jit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.SequenceNumberRange;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * An in-memory DynamoDB stream with shards that can close and split, and faults on demand:
 * throttling ({@code LimitExceededException}), expired iterators, and a trim horizon. Sequence numbers
 * are decimal strings, increasing across the stream; DescribeStream pages one shard at a time.
 */
final class FakeStreams implements DynamoDbStreamsClient {
  static final class FakeShard {
    final String id;
    final String parent;
    final List<Record> records = new ArrayList<>();
    boolean closed;
    int trimmedBefore;

    FakeShard(String id, String parent) {
      this.id = id;
      this.parent = parent;
    }
  }

  final Map<String, FakeShard> shards = new LinkedHashMap<>();
  int throttleNextCalls;
  final Set<String> expireIterators = new HashSet<>();
  int getRecordsCalls;
  private long nextSeq = 100;

  FakeShard shard(String id, String parent) {
    FakeShard s = new FakeShard(id, parent);
    shards.put(id, s);
    return s;
  }

  /** Appends a jit_audit item as an INSERT record to {@code shard}; returns its sequence number. */
  String insert(String shard, Map<String, AttributeValue> image) {
    String seq = Long.toString(nextSeq++);
    shards.get(shard).records.add(Record.builder().eventID("ev-" + seq).eventName(OperationType.INSERT)
        .dynamodb(StreamRecord.builder().sequenceNumber(seq).newImage(image)
            .keys(Map.of("request_id", image.get("request_id"))).build()).build());
    return seq;
  }

  private void maybeThrottle() {
    if (throttleNextCalls > 0) {
      throttleNextCalls--;
      throw LimitExceededException.builder().message("Rate exceeded").statusCode(400)
          .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
              .errorCode("LimitExceededException").errorMessage("Rate exceeded").build()).build();
    }
  }

  @Override
  public DescribeStreamResponse describeStream(DescribeStreamRequest r) {
    maybeThrottle();
    List<String> ids = new ArrayList<>(shards.keySet());
    int from = r.exclusiveStartShardId() == null ? 0 : ids.indexOf(r.exclusiveStartShardId()) + 1;
    FakeShard s = shards.get(ids.get(from));
    Shard shard = Shard.builder().shardId(s.id).parentShardId(s.parent)
        .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0")
            .endingSequenceNumber(s.closed ? "999999" : null).build()).build();
    return DescribeStreamResponse.builder().streamDescription(d -> d.streamArn(r.streamArn()).shards(shard)
        .lastEvaluatedShardId(from + 1 < ids.size() ? s.id : null)).build();
  }

  @Override
  public DescribeStreamResponse describeStream(Consumer<DescribeStreamRequest.Builder> r) {
    return describeStream(DescribeStreamRequest.builder().applyMutation(r).build());
  }

  @Override
  public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest r) {
    maybeThrottle();
    FakeShard s = shards.get(r.shardId());
    int index;
    if (r.shardIteratorType() == ShardIteratorType.TRIM_HORIZON) {
      index = s.trimmedBefore;
    } else {
      index = -1;
      for (int i = 0; i < s.records.size(); i++) {
        if (s.records.get(i).dynamodb().sequenceNumber().equals(r.sequenceNumber())) {
          index = i + 1;
        }
      }
      if (index < 0 || index - 1 < s.trimmedBefore) {
        throw TrimmedDataAccessException.builder().message("trimmed").statusCode(400).build();
      }
    }
    return GetShardIteratorResponse.builder().shardIterator(s.id + "@" + index).build();
  }

  @Override
  public GetShardIteratorResponse getShardIterator(Consumer<GetShardIteratorRequest.Builder> r) {
    return getShardIterator(GetShardIteratorRequest.builder().applyMutation(r).build());
  }

  @Override
  public GetRecordsResponse getRecords(GetRecordsRequest r) {
    maybeThrottle();
    getRecordsCalls++;
    if (expireIterators.remove(r.shardIterator())) {
      throw ExpiredIteratorException.builder().message("expired").statusCode(400).build();
    }
    String[] parts = r.shardIterator().split("@");
    FakeShard s = shards.get(parts[0]);
    int from = Integer.parseInt(parts[1]);
    int to = Math.min(s.records.size(), from + (r.limit() == null ? 1000 : r.limit()));
    boolean end = s.closed && to == s.records.size();
    return GetRecordsResponse.builder().records(s.records.subList(from, to))
        .nextShardIterator(end ? null : s.id + "@" + to).build();
  }

  @Override
  public GetRecordsResponse getRecords(Consumer<GetRecordsRequest.Builder> r) {
    return getRecords(GetRecordsRequest.builder().applyMutation(r).build());
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {
  }
}
