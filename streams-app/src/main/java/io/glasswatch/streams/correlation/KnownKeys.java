package io.glasswatch.streams.correlation;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An in-memory Bloom filter (Guava's {@link BloomFilter}) of every key {@link InputDedup}'s stores may
 * hold, so that a key never seen before, which is nearly every input, is known to be new without a
 * look-up in the stores.
 *
 * <p>Rules: a key the filter does not contain is in none of the stores (no false negatives: the filter is
 * built from every key in the stores, and every key written to them is added first); a key it contains
 * may be in them (false positives, about {@value #FALSE_POSITIVE_RATE} of new keys), so the caller looks
 * it up as before. Keys deleted from the stores (the retention purge) stay in the filter until it is
 * rebuilt; that only adds false positives.
 *
 * <p>Size: room for {@code max(}{@value #MIN_CAPACITY}{@code , 2 × keys in the stores)} keys at the
 * false-positive rate above, about 1.2 bytes per key of room ({@value #MIN_CAPACITY} keys: 4.8 MB). When
 * more keys were added than there is room for, the filter is rebuilt from the stores: a scan of every key
 * in them (also at start-up), sized by the stores' estimate of their key count (and scanned again, with
 * room for twice the keys found, when they filled more than half of that room), which after a purge
 * makes it smaller again. A scan costs
 * about a microsecond per stored key, and a rebuild comes after at least as many new keys as the stores
 * held at the one before, so rebuilding costs about a microsecond per input.
 *
 * <p>Not thread-safe: used by one processor on its stream thread.
 */
final class KnownKeys {
  /** Fewest keys the filter has room for. */
  static final long MIN_CAPACITY = 4L << 20;
  /** False-positive rate at capacity. */
  static final double FALSE_POSITIVE_RATE = 0.01;

  private final long minCapacity;
  private final LongSupplier estimate;
  private final Consumer<Consumer<String>> stored;
  private BloomFilter<CharSequence> filter;
  private long capacity;
  private long added;
  private int builds;

  /**
   * A filter of the keys {@code stored} hands on (every key in the stores, in any order, repeats
   * allowed), built now.
   *
   * @param estimate the stores' estimate of how many keys they hold (e.g. the sum of their
   *     {@code approximateNumEntries}); only sizes the filter
   * @param stored calls its argument once per stored key; called at every (re)build
   */
  KnownKeys(LongSupplier estimate, Consumer<Consumer<String>> stored) {
    this(MIN_CAPACITY, estimate, stored);
  }

  /** As {@link #KnownKeys(LongSupplier, Consumer)}, with room for at least {@code minCapacity} keys. */
  KnownKeys(long minCapacity, LongSupplier estimate, Consumer<Consumer<String>> stored) {
    if (minCapacity < 1) {
      throw new IllegalArgumentException("minCapacity must be at least 1, got " + minCapacity);
    }
    this.minCapacity = minCapacity;
    this.estimate = estimate;
    this.stored = stored;
    rebuild();
  }

  /** False when {@code key} is certainly in none of the stores; true when it may be. */
  boolean mightContain(String key) {
    return filter.mightContain(key);
  }

  /**
   * Adds {@code key}, to be called before it is written to a store, and says whether it was certainly
   * absent: one hash for both answers, where {@link #mightContain} and then adding would take two. A
   * full filter is first rebuilt from the stores, which do not hold {@code key} yet; so the key is put
   * after the rebuild, never lost by it.
   *
   * @return true when the key was in neither the filter nor, therefore, any store; false when it may
   *     have been
   */
  boolean add(String key) {
    if (added >= capacity) {
      rebuild();
    }
    boolean absent = filter.put(key); // Guava: bits changed, so the key was not contained before
    if (absent) {
      added++;
    }
    return absent;
  }

  /** Keys the filter has room for at its false-positive rate. */
  long capacity() {
    return capacity;
  }

  /** Times the filter was built from the stores (1 after construction). */
  int builds() {
    return builds;
  }

  private void rebuild() {
    long found = build(Math.max(minCapacity, 2 * Math.max(0, estimate.getAsLong())));
    if (2 * found > capacity) {
      build(2 * found);
    }
    added = found;
    builds++;
  }

  /** Builds a filter with room for {@code room} keys from the stores; returns the keys found. */
  private long build(long room) {
    BloomFilter<CharSequence> f = BloomFilter.create(Funnels.unencodedCharsFunnel(), room, FALSE_POSITIVE_RATE);
    long[] found = {0};
    stored.accept(k -> {
      f.put(k);
      found[0]++;
    });
    filter = f;
    capacity = room;
    return found[0];
  }
}
