package io.glasswatch.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tracks, per partition, which consumed offsets an asynchronous writer has finished, so that a
 * consumer commits only offsets below which every record is done: the committable offset of a
 * partition is one past the highest <em>contiguous</em> finished offset. Acknowledgements may arrive
 * in any order; a finished offset above an unfinished one is held back until the gap closes.
 *
 * <p>Each assignment of a partition starts a new epoch: a {@link Ticket} of an earlier epoch (a
 * record still in flight when its partition was revoked) is ignored on {@link #ack(Ticket)}, so it
 * can never move the commit position of the partition's next owner.
 *
 * <p>Not thread-safe: the consumer's polling thread owns it.
 */
public final class OffsetTracker {

  /**
   * One registered record.
   *
   * @param partition the record's partition
   * @param offset the record's offset
   * @param epoch the assignment epoch it was registered in
   */
  public record Ticket(TopicPartition partition, long offset, long epoch) {
    /** Validates. */
    public Ticket {
      Objects.requireNonNull(partition, "partition");
    }
  }

  private static final class PartitionState {
    final long epoch;
    /** Registered offsets not yet released, ascending, to whether they are done. */
    final TreeMap<Long, Boolean> inFlight = new TreeMap<>();
    int done;
    long nextCommit = -1;
    long committed = -1;

    PartitionState(long epoch) {
      this.epoch = epoch;
    }
  }

  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private long epochs;
  private int pending;

  /** Starts tracking {@code assigned} partitions afresh (a new epoch each). */
  public void assign(Collection<TopicPartition> assigned) {
    for (TopicPartition tp : assigned) {
      PartitionState old = partitions.put(tp, new PartitionState(++epochs));
      if (old != null) {
        pending -= old.inFlight.size() - old.done;
      }
    }
  }

  /** Stops tracking {@code revoked} partitions; their outstanding tickets become stale. */
  public void forget(Collection<TopicPartition> revoked) {
    for (TopicPartition tp : revoked) {
      PartitionState old = partitions.remove(tp);
      if (old != null) {
        pending -= old.inFlight.size() - old.done;
      }
    }
  }

  /**
   * Registers a consumed record as in flight.
   *
   * @param tp an assigned partition (assigned implicitly when unknown)
   * @param offset the record's offset; must be above every offset registered for {@code tp} in this epoch
   * @return the ticket to {@link #ack(Ticket)} when the record is done
   * @throws IllegalArgumentException when {@code offset} is not above the last registered offset
   */
  public Ticket register(TopicPartition tp, long offset) {
    PartitionState s = partitions.get(tp);
    if (s == null) {
      s = new PartitionState(++epochs);
      partitions.put(tp, s);
    }
    Long last = s.inFlight.isEmpty() ? null : s.inFlight.lastKey();
    if (last != null && offset <= last || offset < s.nextCommit) {
      throw new IllegalArgumentException(
          "offset " + offset + " of " + tp + " registered out of order (last " + last + ")");
    }
    s.inFlight.put(offset, Boolean.FALSE);
    pending++;
    return new Ticket(tp, offset, s.epoch);
  }

  /**
   * Marks a record done (written, recognised as a duplicate, or dead-lettered).
   *
   * @return false when the ticket is stale (its partition was revoked or reassigned since) or was
   *     already acknowledged; true otherwise
   */
  public boolean ack(Ticket ticket) {
    if (!isCurrent(ticket)) {
      return false;
    }
    PartitionState s = partitions.get(ticket.partition());
    if (!Boolean.FALSE.equals(s.inFlight.get(ticket.offset()))) {
      return false;
    }
    pending--;
    s.inFlight.put(ticket.offset(), Boolean.TRUE);
    s.done++;
    while (!s.inFlight.isEmpty() && s.inFlight.firstEntry().getValue()) {
      s.nextCommit = s.inFlight.pollFirstEntry().getKey() + 1;
      s.done--;
    }
    return true;
  }

  /** Whether {@code ticket} belongs to the current assignment epoch of its partition. */
  public boolean isCurrent(Ticket ticket) {
    PartitionState s = partitions.get(ticket.partition());
    return s != null && s.epoch == ticket.epoch();
  }

  /** Records registered and not yet acknowledged, over all partitions. */
  public int pending() {
    return pending;
  }

  /** Records registered and not yet acknowledged in {@code tp}. */
  public int pending(TopicPartition tp) {
    PartitionState s = partitions.get(tp);
    return s == null ? 0 : s.inFlight.size() - s.done;
  }

  /**
   * The offsets to commit now: for each tracked partition whose commit position moved since the last
   * {@link #committed(Map)}, one past the highest contiguous finished offset. A partition with
   * nothing in flight commits {@code position} instead when it is higher, which moves the commit
   * past records that needed no work (tombstones, transaction markers).
   *
   * @param position the consumer's position (next offset to fetch) of a partition, or -1 when unknown
   * @return partition to offset (Kafka's convention: the next offset to read); empty when nothing moved
   */
  public Map<TopicPartition, OffsetAndMetadata> committable(ToLongFunction<TopicPartition> position) {
    Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
    partitions.forEach((tp, s) -> {
      long next = s.nextCommit;
      if (s.inFlight.isEmpty()) {
        next = Math.max(next, position.applyAsLong(tp));
      }
      if (next > s.committed && next >= 0) {
        out.put(tp, new OffsetAndMetadata(next));
      }
    });
    return out;
  }

  /** Records that {@code offsets} were committed to Kafka. */
  public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, om) -> {
      PartitionState s = partitions.get(tp);
      if (s != null) {
        s.committed = Math.max(s.committed, om.offset());
      }
    });
  }

  /** The last offset committed for {@code tp} through {@link #committed(Map)}, or -1. */
  public long lastCommitted(TopicPartition tp) {
    PartitionState s = partitions.get(tp);
    return s == null ? -1 : s.committed;
  }
}
