package io.glasswatch.producers.ingest.common;

import java.time.Duration;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far one gateway-side source has delivered, sent as progress marks ({@code io.glasswatch.kafka.ProgressMarks},
 * README "Source progress") so that stage B can page a root event as soon as no grant of this source can
 * still be on its way. Times are wall-clock epoch milliseconds. Thread-safe.
 *
 * <p>Rule: a delivery is what the source does with a batch of input, from {@link #begin()} (the moment
 * the request arrived, or the poll started) to {@link #end} (its records acknowledged by Kafka, or handed to
 * the same producer before the mark, which keeps their order per partition). The source's progress is
 * <ul>
 *   <li>while deliveries are in flight: one millisecond before the earliest of them began;
 *   <li>when idle, a push source ({@link Mode#PUSH}: the HTTP endpoint, the JIT webhook): the wall clock,
 *       since everything it received was delivered;
 *   <li>when idle, a pull source ({@link Mode#PULL}: a file tailer, the JIT stream reader): the start of its
 *       latest poll that reached the end of its input (the file's end, every shard caught up); a poll that
 *       failed or stopped short vouches for nothing.
 * </ul>
 * {@link #tick()}, called every {@link #INTERVAL} (and after each delivery), sends a mark when the progress
 * moved. What a source vouches for is what reached it: a gateway that posts a grant late, or a stream that
 * shows a write late, is covered by the late-grant resolution in stage B, not by the mark.
 */
public final class ProgressReporter {
  /** Interval of the idle marks. */
  public static final Duration INTERVAL = Duration.ofMillis(500);

  /** Whether idle means "everything so far" (push) or "as far as the last complete poll" (pull). */
  public enum Mode { PUSH, PULL }

  /** Sends the marks of one source for one time, to every partition of the gateway topic. */
  @FunctionalInterface
  public interface MarkSender {
    /**
     * @param source the source id
     * @param time the progress, epoch milliseconds
     */
    void send(String source, long time);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final String source;
  private final Mode mode;
  private final MarkSender sender;
  private final LongSupplier clock;
  /** Start times of the deliveries in flight, with their count. */
  private final TreeMap<Long, Integer> inFlight = new TreeMap<>();
  private long lastComplete = Long.MIN_VALUE;
  private final AtomicLong lastSent = new AtomicLong(Long.MIN_VALUE);

  /**
   * A reporter.
   *
   * @param source the source id as the policy's {@code gatewaySources} lists it, e.g. {@code ingest-http}
   * @param mode push or pull, see the class Javadoc
   * @param sender where marks go
   * @param clock the wall clock, epoch milliseconds
   */
  public ProgressReporter(String source, Mode mode, MarkSender sender, LongSupplier clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The source id. */
  public String source() {
    return source;
  }

  /**
   * A delivery begins now.
   *
   * @return its ticket (its start time) for {@link #end}
   */
  public synchronized long begin() {
    long t = clock.getAsLong();
    inFlight.merge(t, 1, Integer::sum);
    return t;
  }

  /**
   * A delivery ended.
   *
   * @param ticket what {@link #begin()} returned
   * @param complete pull sources: whether the poll reached the end of its input with every record
   *     delivered (push sources ignore it)
   */
  public void end(long ticket, boolean complete) {
    synchronized (this) {
      inFlight.computeIfPresent(ticket, (k, n) -> n == 1 ? null : n - 1);
      if (complete && ticket > lastComplete) {
        lastComplete = ticket;
      }
    }
    tick();
  }

  /**
   * The progress now, epoch milliseconds, or {@link Long#MIN_VALUE} while the source vouches for nothing (a
   * pull source before its first complete poll).
   */
  public synchronized long progress() {
    long idle = mode == Mode.PUSH ? clock.getAsLong() : lastComplete;
    if (inFlight.isEmpty()) {
      return idle;
    }
    long beforeEarliest = inFlight.firstKey() - 1;
    return mode == Mode.PUSH ? beforeEarliest : Math.min(idle, beforeEarliest);
  }

  /**
   * Sends a mark if the progress moved since the last one sent (a failing sender is logged and tried again
   * at the next tick).
   *
   * @return whether a mark was sent
   */
  public boolean tick() {
    long p = progress();
    long last = lastSent.get();
    if (p == Long.MIN_VALUE || p <= last || !lastSent.compareAndSet(last, p)) {
      return false;
    }
    try {
      sender.send(source, p);
      return true;
    } catch (RuntimeException e) {
      lastSent.compareAndSet(p, last);
      LOG.warn("progress mark of {} at {} not sent: {}", source, p, e.toString());
      return false;
    }
  }
}
