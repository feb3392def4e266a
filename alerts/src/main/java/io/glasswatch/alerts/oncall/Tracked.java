package io.glasswatch.alerts.oncall;

import io.glasswatch.kafka.OffsetTracker;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An input record of the on-call dispatcher and the work it still causes: it starts with one hold
 * (released when the poll thread finished processing it); every delivery, held storm alert or
 * pending resolution it causes adds one. When the last hold is released its {@link OffsetTracker}
 * ticket goes to the done queue, which the poll thread acknowledges before committing, so an offset
 * commits only after every delivery its record caused is recorded. Thread-safe.
 */
final class Tracked {
  private final ConsumerRecord<String, byte[]> record;
  private final OffsetTracker.Ticket ticket;
  private final Queue<OffsetTracker.Ticket> done;
  private final AtomicInteger holds = new AtomicInteger(1);

  Tracked(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket, Queue<OffsetTracker.Ticket> done) {
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
      done.add(ticket);
    }
  }
}
