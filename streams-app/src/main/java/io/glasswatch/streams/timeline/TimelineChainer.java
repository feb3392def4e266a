package io.glasswatch.streams.timeline;

import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage C, keyed by correlation id. Rule: every entry of a correlation gets the next {@code sequence}
 * (1, 2, ...), the previous entry's hash as {@code prevHash} (null for the first) and
 * {@code hash = Hashing.timelineHash(entry)}, so that editing, removing or reordering any entry breaks
 * every later link. The head of each chain (last sequence and hash) lives in the persistent store
 * {@value #STORE}; it is never purged, because a chain must be continuable at any time.
 *
 * <p>Entries of {@code account:<id>} correlations never come here: stage B, keyed by account, chains
 * them with the same rule ({@link #chain}) in its own store, which saves the repartition of nearly
 * every entry (background CloudTrail records are filed under their account).
 */
public final class TimelineChainer implements Processor<String, TimelineEntry, String, TimelineEntry> {
  /** Store of chain heads: correlation id to {@link ChainHead}. */
  public static final String STORE = "timeline-chain";

  /**
   * The last link of a chain.
   *
   * @param sequence sequence of the last entry (1-based)
   * @param hash hash of the last entry
   */
  public record ChainHead(long sequence, String hash) {}

  private ProcessorContext<String, TimelineEntry> context;
  private KeyValueStore<String, ChainHead> heads;

  /** A supplier that also declares the {@value #STORE} store. */
  public static ProcessorSupplier<String, TimelineEntry, String, TimelineEntry> supplier() {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, TimelineEntry, String, TimelineEntry> get() {
        return new TimelineChainer();
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            headSerde()));
      }
    };
  }

  /**
   * The binary serde of chain heads: the sequence as 8 bytes big-endian, then the hash's 64 lower-case
   * hex characters in ASCII (72 bytes).
   */
  public static Serde<ChainHead> headSerde() {
    return Serdes.serdeFrom((topic, h) -> {
      if (h == null) {
        return null;
      }
      byte[] hash = h.hash().getBytes(StandardCharsets.US_ASCII);
      return ByteBuffer.allocate(8 + hash.length).putLong(h.sequence()).put(hash).array();
    }, (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      long sequence = b.getLong();
      return new ChainHead(sequence, new String(bytes, 8, bytes.length - 8, StandardCharsets.US_ASCII));
    });
  }

  @Override
  public void init(ProcessorContext<String, TimelineEntry> context) {
    this.context = context;
    this.heads = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, TimelineEntry> record) {
    TimelineEntry in = record.value();
    String correlationId = in.getCorrelationId();
    ChainHead head = heads.get(correlationId);
    TimelineEntry out = chain(in, head);
    heads.put(correlationId, new ChainHead(out.getSequence(), out.getHash()));
    context.forward(record.withKey(correlationId).withValue(out).withTimestamp(out.getTimestamp().toEpochMilli()));
  }

  /**
   * {@code entry} linked after {@code head}: a copy with sequence, prevHash and hash set.
   *
   * @param head the chain's last link, or null when {@code entry} starts the chain
   */
  public static TimelineEntry chain(TimelineEntry entry, ChainHead head) {
    return link(TimelineEntry.newBuilder(entry).build(), head);
  }

  /**
   * {@code entry} itself linked after {@code head}: sequence, prevHash and hash set in place. For an
   * entry no one else holds (one just built); {@link #chain} is the copying form.
   *
   * @param head the chain's last link, or null when {@code entry} starts the chain
   * @return {@code entry}
   */
  public static TimelineEntry link(TimelineEntry entry, ChainHead head) {
    entry.setSequence(head == null ? 1L : head.sequence() + 1);
    entry.setPrevHash(head == null ? null : head.hash());
    entry.setHash(null);
    entry.setHash(Hashing.timelineHash(entry));
    return entry;
  }
}
