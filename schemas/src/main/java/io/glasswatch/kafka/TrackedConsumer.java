package io.glasswatch.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop of a service whose work finishes asynchronously: every polled record is registered
 * with an {@link OffsetTracker} and handed over with its {@link OffsetTracker.Ticket}; the service
 * {@link #ack acknowledges} the ticket from any thread once the record's work is durable (its result
 * written, recognised as a duplicate, dead-lettered); {@link #commit()} commits only offsets below which
 * every record is acknowledged. So a crash, or a close before the work finished, re-delivers the
 * unfinished records to the partition's next owner, and nothing is lost (at-least-once; the services make
 * a second execution a no-op by command id).
 *
 * <p>Rebalances: before partitions are revoked the finished offsets are committed and the partitions
 * forgotten (tickets still in flight become stale, {@link OffsetTracker} epochs, so a late acknowledgement
 * never moves the next owner's commit position); after an assignment the service's hook runs (e.g. reading
 * its results back). {@link #drain} waits for outstanding work and commits a last time before the consumer
 * is closed.
 *
 * <p>Threads: {@link #poll}, {@link #commit()}, {@link #drain} and the rebalance callbacks run on the
 * polling thread, which owns the consumer and the tracker; {@link #ack} and {@link #wakeup()} are safe from
 * any thread. An action given to {@link #ack(OffsetTracker.Ticket, Runnable)} runs on the polling thread
 * before the acknowledgement is applied (e.g. adding the command to the executed set).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TrackedConsumer<K, V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrackedConsumer.class);

  /** Handles one polled record on the polling thread. */
  @FunctionalInterface
  public interface Handler<K, V> {
    /**
     * Handles a record; the ticket must be {@link #ack acknowledged} exactly when its work is durable,
     * now or later from another thread. A record never acknowledged is never committed.
     *
     * @param record the record
     * @param ticket its ticket
     */
    void handle(ConsumerRecord<K, V> record, OffsetTracker.Ticket ticket);
  }

  /** What the service does around rebalances (polling thread). */
  public interface Hooks {
    /**
     * After partitions were assigned (and registered in a new epoch).
     *
     * @param partitions the partitions
     */
    default void assigned(Collection<TopicPartition> partitions) {}

    /**
     * After partitions were revoked or lost, their finished offsets committed (when not lost) and forgotten.
     *
     * @param partitions the partitions
     */
    default void revoked(Collection<TopicPartition> partitions) {}
  }

  private record Ack(OffsetTracker.Ticket ticket, Runnable then) {}

  private final Consumer<K, V> consumer;
  private final Hooks hooks;
  private final String name;
  private final BooleanSupplier commitWhile;
  private final OffsetTracker offsets = new OffsetTracker();
  private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();

  /**
   * A loop over a consumer.
   *
   * @param consumer a consumer with a group and auto-commit off; owned (closed) by this loop
   * @param hooks rebalance hooks
   * @param name for logs
   */
  public TrackedConsumer(Consumer<K, V> consumer, Hooks hooks, String name) {
    this(consumer, hooks, name, () -> true);
  }

  /**
   * A loop that stops committing once the service is unhealthy (e.g. a result could not be written):
   * from then on nothing is committed, also not on revoke or close, and the next owner reads every
   * record not committed before.
   *
   * @param consumer a consumer with a group and auto-commit off; owned (closed) by this loop
   * @param hooks rebalance hooks
   * @param name for logs
   * @param commitWhile checked before every commit; false: nothing is committed
   */
  public TrackedConsumer(Consumer<K, V> consumer, Hooks hooks, String name, BooleanSupplier commitWhile) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.name = Objects.requireNonNull(name, "name");
    this.commitWhile = Objects.requireNonNull(commitWhile, "commitWhile");
  }

  /**
   * Subscribes to topics with this loop's rebalance listener.
   *
   * @param topics the topics
   */
  public void subscribe(Collection<String> topics) {
    consumer.subscribe(List.copyOf(topics), new Listener());
  }

  /**
   * Polls once and hands every record with its ticket to {@code handler}.
   *
   * @param timeout longest wait
   * @param handler the service's handling
   * @return records polled
   * @throws org.apache.kafka.common.errors.WakeupException after {@link #wakeup()}
   */
  public int poll(Duration timeout, Handler<K, V> handler) {
    int n = 0;
    for (ConsumerRecord<K, V> r : consumer.poll(timeout)) {
      n++;
      handler.handle(r, offsets.register(new TopicPartition(r.topic(), r.partition()), r.offset()));
    }
    return n;
  }

  /**
   * Acknowledges a ticket: its record's work is durable. Safe from any thread; applied at the next
   * {@link #commit()}.
   *
   * @param ticket the ticket
   */
  public void ack(OffsetTracker.Ticket ticket) {
    ack(ticket, null);
  }

  /**
   * Acknowledges a ticket and runs {@code then} on the polling thread just before.
   *
   * @param ticket the ticket
   * @param then run on the polling thread at the next {@link #commit()}, or null
   */
  public void ack(OffsetTracker.Ticket ticket, Runnable then) {
    acks.add(new Ack(Objects.requireNonNull(ticket, "ticket"), then));
  }

  /** Polling thread: applies the acknowledgements received so far (their actions first). */
  public void applyAcks() {
    for (Ack a; (a = acks.poll()) != null; ) {
      if (a.then() != null) {
        a.then().run();
      }
      offsets.ack(a.ticket());
    }
  }

  /**
   * Polling thread: applies acknowledgements and commits, synchronously, every partition's finished prefix
   * (nothing once {@code commitWhile} says false).
   *
   * @return the offsets committed (empty when none moved)
   */
  public Map<TopicPartition, OffsetAndMetadata> commit() {
    applyAcks();
    if (!commitWhile.getAsBoolean()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetAndMetadata> c = offsets.committable(tp -> -1);
    if (!c.isEmpty()) {
      consumer.commitSync(c);
      offsets.committed(c);
    }
    return c;
  }

  /**
   * Records registered and not yet acknowledged (acknowledgements not yet applied count as pending).
   *
   * @return the count
   */
  public int pending() {
    return offsets.pending();
  }

  /**
   * Polling thread, on close: waits until every registered record is acknowledged, {@code timeout}
   * passes or {@code stop} says so, then commits what finished. A commit failure is logged, not thrown:
   * the records are then re-delivered.
   *
   * @param timeout longest wait
   * @param stop checked every 20 ms; true ends the wait at once (e.g. a worker failed)
   * @return records still unfinished (re-delivered to the next owner)
   */
  public int drain(Duration timeout, BooleanSupplier stop) {
    long end = System.nanoTime() + timeout.toNanos();
    applyAcks();
    while (offsets.pending() > 0 && System.nanoTime() < end && !stop.getAsBoolean()) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      applyAcks();
    }
    try {
      commit();
    } catch (RuntimeException e) {
      LOG.warn("{}: final commit failed: {}", name, e.toString());
    }
    int left = offsets.pending();
    if (left > 0) {
      LOG.warn("{} stops with {} records unfinished; they are read again at the next start", name, left);
    }
    return left;
  }

  /** Wakes a blocked {@link #poll}; safe from any thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  /** Closes the consumer (without committing: {@link #drain} commits). */
  @Override
  public void close() {
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      LOG.debug("{}: closing consumer: {}", name, e.toString());
    }
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        commit();
      } finally {
        offsets.forget(partitions);
        hooks.revoked(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      offsets.forget(partitions);
      hooks.revoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      offsets.assign(partitions);
      hooks.assigned(partitions);
    }
  }
}
