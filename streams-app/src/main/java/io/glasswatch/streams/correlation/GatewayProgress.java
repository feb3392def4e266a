package io.glasswatch.streams.correlation;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far the gateway-side sources have delivered, as one stage B task knows it from the progress marks
 * ({@link SourceProgress}) it received on its partition of {@code grant-facts}.
 *
 * <p>Rule: a source sends a mark to every partition of the gateway topic; each stage A task passes its
 * mark on to every partition of {@code grant-facts}, after the grant facts of the records before it. A
 * stage B task therefore knows that every grant of source S with time at or before T is in its state once
 * it received a mark of S at or after T from every one of the gateway topic's partitions: the progress of
 * S is the least of its partitions' latest marks, unknown while a partition has sent none. The progress
 * of a set of sources is the least of theirs, unknown while one of them is unknown.
 *
 * <p>State: in memory, one instance per task, at most one time per source and partition. After a restart
 * or a rebalance the progress is unknown until the next mark of every partition (about a second live);
 * meanwhile decisions wait for it, never longer than {@code decisionDelay}. A mark with another partition
 * count (the gateway topic grew) starts the source afresh. Marks never move progress back.
 */
final class GatewayProgress {
  /** Per source: the latest mark time of each partition ({@link Long#MIN_VALUE} before the first). */
  private final Map<String, long[]> bySource = new TreeMap<>();

  /**
   * Records a mark.
   *
   * @param p the mark
   * @return whether the progress of {@code p.source()} advanced (it became known, or later)
   */
  boolean observe(SourceProgress p) {
    long[] times = bySource.get(p.source());
    if (times == null || times.length != p.partitions()) {
      times = new long[p.partitions()];
      Arrays.fill(times, Long.MIN_VALUE);
      bySource.put(p.source(), times);
    }
    long before = least(times);
    if (p.time() > times[p.partition()]) {
      times[p.partition()] = p.time();
    }
    return least(times) > before;
  }

  /**
   * The progress of one source.
   *
   * @return epoch milliseconds: every grant of {@code source} with time at or before it is known here; null
   *     while some partition has sent no mark
   */
  Long of(String source) {
    long[] times = bySource.get(source);
    if (times == null) {
      return null;
    }
    long t = least(times);
    return t == Long.MIN_VALUE ? null : t;
  }

  /**
   * The progress of every source in {@code sources} together.
   *
   * @param sources the configured gateway sources, not empty
   * @return the least of their progress, epoch milliseconds; null while one of them is unknown
   */
  Long of(Collection<String> sources) {
    Long least = null;
    for (String source : sources) {
      Long t = of(source);
      if (t == null) {
        return null;
      }
      least = least == null ? t : Math.min(least, t);
    }
    return least;
  }

  private static long least(long[] times) {
    long least = Long.MAX_VALUE;
    for (long t : times) {
      least = Math.min(least, t);
    }
    return least;
  }
}
