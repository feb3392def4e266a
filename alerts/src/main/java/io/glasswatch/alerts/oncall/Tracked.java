package io.glasswatch.alerts.oncall;

import io.glasswatch.kafka.OffsetTracker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An input record of the on-call dispatcher and the work it still causes: it starts with one hold
 * (released when the poll thread finished processing it); every delivery, held storm alert or
 * pending resolution it causes adds one. When the last hold is released its {@link OffsetTracker}
 * ticket is acknowledged ({@link io.glasswatch.kafka.TrackedConsumer#ack}), so an offset commits only
 * after every delivery its record caused is recorded. Thread-safe.
 */
final class Tracked {
  private final ConsumerRecord<String, byte[]> record;
  private final OffsetTracker.Ticket ticket;
  private final Consumer<OffsetTracker.Ticket> done;
  private final AtomicInteger holds = new AtomicInteger(1);

  Tracked(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket, Consumer<OffsetTracker.Ticket> done) {
    this.record = record;
    this.ticket = ticket;
    this.done = done;
  }

  /** The input record. */
  ConsumerRecord<String, byte[]> record() {
    return record;
  }

  /** Adds one piece of outstanding work. */
  void hold() {
    holds.incrementAndGet();
  }

  /** Ends one piece of outstanding work; the last one hands the ticket to the poll thread. */
  void release() {
    if (holds.decrementAndGet() == 0) {
      done.accept(ticket);
    }
  }
}
