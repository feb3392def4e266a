package io.glasswatch.streams.replay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A bounded, ordered hand-over of items from one producing thread to one consuming thread, so that two
 * stages of a replay (reading and sorting, merging and running the topology, running the topology and
 * writing its outputs) run on two cores at once.
 *
 * <p>Items travel in batches (one queue operation per batch, not per item): a batch is handed on when it
 * holds {@code batch} items or when the weights of its items (their approximate size in bytes, given by
 * a weight function) reach {@code batchWeight}; at most {@code batches} batches wait. So memory is
 * bounded by {@code batches + 2} batches of at most {@code batchWeight} bytes plus one item each,
 * whatever the number of items: with records up to the maximum record size, a few of them. The
 * consumer sees every item in the order it was put, then the end ({@link #hasNext()} false); when the
 * producer fails ({@link #fail(Throwable)}), the consumer first sees every item put before the failure,
 * then the failure itself, rethrown by {@link #hasNext()} as it was thrown (a {@link RuntimeException}
 * or {@link Error} unchanged, any other throwable wrapped in an {@link IllegalStateException}).
 *
 * <p>Either side can stop the other: {@link #cancel()} (the consumer gave up, or failed) makes the
 * producer's next {@link #put} or {@link #end()} throw {@link Cancelled}, an {@link Error} so that code
 * between the producer and this hand-over that catches {@code RuntimeException} (a parser recovering
 * from bad input) does not swallow it. Thread-safety: one producer thread, one consumer thread.
 *
 * @param <T> the items
 */
public final class Handoff<T> implements Iterator<T> {
  /** Default items per batch. */
  public static final int DEFAULT_BATCH = 256;
  /** Default number of full batches that may wait. */
  public static final int DEFAULT_BATCHES = 4;
  /** Default weight (approximate bytes) at which a batch is handed on: 1 MiB. */
  public static final long DEFAULT_BATCH_WEIGHT = 1L << 20;

  private static final Object END = new Object();

  private record Failure(Throwable error) {}

  /** Thrown at the producer when the consumer has cancelled the hand-over. */
  public static final class Cancelled extends Error {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("the consumer stopped reading", null, false, false);
    }
  }

  private final ArrayBlockingQueue<Object> queue;
  private final int batch;
  private final ToLongFunction<? super T> weight;
  private final long batchWeight;
  private volatile boolean cancelled;
  // producer side
  private List<T> filling;
  private long filled;
  private boolean finished;
  // consumer side
  private Iterator<T> current = Collections.emptyIterator();
  private boolean ended;

  /**
   * @param batch most items per batch, at least 1
   * @param batches full batches that may wait, at least 1
   * @param weight an item's approximate size in bytes
   * @param batchWeight weight at which a batch is handed on before it holds {@code batch} items
   * @throws IllegalArgumentException for a size below 1
   */
  public Handoff(int batch, int batches, ToLongFunction<? super T> weight, long batchWeight) {
    if (batch < 1 || batches < 1 || batchWeight < 1) {
      throw new IllegalArgumentException("batch, batches and batchWeight must be at least 1, got " + batch + ", "
          + batches + " and " + batchWeight);
    }
    this.batch = batch;
    this.queue = new ArrayBlockingQueue<>(batches);
    this.weight = java.util.Objects.requireNonNull(weight, "weight");
    this.batchWeight = batchWeight;
  }

  /** A hand-over of items that all weigh 1 (for small items: batches of {@code batch} items). */
  public Handoff(int batch, int batches) {
    this(batch, batches, item -> 1, Long.MAX_VALUE);
  }

  /**
   * A hand-over with {@value #DEFAULT_BATCH} items per batch, {@value #DEFAULT_BATCHES} batches and a
   * batch weight of {@link #DEFAULT_BATCH_WEIGHT}.
   */
  public Handoff(ToLongFunction<? super T> weight) {
    this(DEFAULT_BATCH, DEFAULT_BATCHES, weight, DEFAULT_BATCH_WEIGHT);
  }

  /**
   * Starts {@code producer} on a new daemon thread named {@code name}, handing what it gives to the
   * returned hand-over, which the calling thread reads; the end comes when {@code producer} returns, a
   * failure when it throws.
   *
   * @param weight an item's approximate size in bytes ({@link #Handoff(ToLongFunction)})
   * @param producer receives the function that puts one item
   */
  public static <T> Producing<T> produce(String name, ToLongFunction<? super T> weight,
      Consumer<Consumer<T>> producer) {
    Handoff<T> h = new Handoff<>(weight);
    Thread t = Thread.ofPlatform().daemon().name(name).unstarted(() -> h.run(producer));
    Producing<T> p = new Producing<>(h, t);
    t.start();
    return p;
  }

  /**
   * A hand-over fed by its own thread: iterate it, and {@link #close()} it when done (or given up):
   * close cancels the producer and waits for its thread to end.
   *
   * @param <T> the items
   */
  public static final class Producing<T> implements Iterator<T>, AutoCloseable {
    private final Handoff<T> handoff;
    private final Thread thread;

    private Producing(Handoff<T> handoff, Thread thread) {
      this.handoff = handoff;
      this.thread = thread;
    }

    @Override
    public boolean hasNext() {
      return handoff.hasNext();
    }

    @Override
    public T next() {
      return handoff.next();
    }

    /** Cancels the producer (when it has not finished) and waits until its thread has ended. */
    @Override
    public void close() {
      handoff.cancel();
      joinUninterruptibly(thread);
    }
  }

  /**
   * Waits until {@code thread} has ended, even when interrupted meanwhile; the interrupt is then set
   * again on the calling thread.
   *
   * @param thread the thread to wait for
   */
  static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(Consumer<Consumer<T>> producer) {
    try {
      producer.accept(this::put);
      end();
    } catch (Cancelled c) {
      // the consumer gave up
    } catch (Throwable e) {
      fail(e);
    }
  }

  /**
   * Hands on one item (producer side); blocks while {@code batches} full batches wait.
   *
   * @throws Cancelled when the consumer has cancelled
   * @throws IllegalStateException after {@link #end()} or {@link #fail}
   */
  public void put(T item) {
    if (finished) {
      throw new IllegalStateException("the hand-over has ended");
    }
    if (filling == null) {
      filling = new ArrayList<>(batch);
    }
    filling.add(item);
    filled += weight.applyAsLong(item);
    if (filling.size() >= batch || filled >= batchWeight) {
      flush();
    }
  }

  /** Hands on the items put so far at once, without waiting for a full batch (producer side). */
  public void flush() {
    if (filling != null && !filling.isEmpty()) {
      offer(filling);
      filling = null;
      filled = 0;
    }
  }

  /**
   * Ends the hand-over (producer side): the consumer sees the items put, then the end.
   *
   * @throws Cancelled when the consumer has cancelled
   */
  public void end() {
    flush();
    finished = true;
    offer(END);
  }

  /**
   * Ends the hand-over with a failure (producer side): the consumer sees the items put, then
   * {@code error}. Does nothing after a cancel.
   */
  public void fail(Throwable error) {
    finished = true;
    try {
      flush();
      offer(new Failure(error));
    } catch (Cancelled c) {
      // nobody reads any more
    }
  }

  /** Stops the hand-over (consumer side): the producer's next put throws {@link Cancelled}. */
  public void cancel() {
    cancelled = true;
    queue.clear();
  }

  private void offer(Object o) {
    try {
      while (!queue.offer(o, 50, TimeUnit.MILLISECONDS)) {
        if (cancelled) {
          throw new Cancelled();
        }
      }
      if (cancelled) {
        queue.clear();
        throw new Cancelled();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancelled();
    }
  }

  /**
   * The approximate size in bytes of {@code value}: its strings, byte buffers and lists at the top level
   * (where normalized records keep the raw input), plus a fixed overhead; for weighing hand-overs.
   */
  public static long weigh(org.apache.avro.generic.IndexedRecord value) {
    if (value == null) {
      return 64;
    }
    long w = 64;
    int fields = value.getSchema().getFields().size();
    for (int i = 0; i < fields; i++) {
      Object f = value.get(i);
      if (f instanceof CharSequence cs) {
        w += 2L * cs.length() + 16;
      } else if (f instanceof java.nio.ByteBuffer b) {
        w += b.remaining() + 16;
      } else if (f instanceof java.util.Collection<?> c) {
        w += 64L * c.size() + 16;
      } else if (f instanceof org.apache.avro.generic.IndexedRecord r) {
        w += weigh(r);
      } else {
        w += 8;
      }
    }
    return w;
  }

  /**
   * Whether another item follows (consumer side); waits for the producer.
   *
   * @throws RuntimeException the producer's failure, once every item before it was read
   */
  @Override
  @SuppressWarnings("unchecked")
  public boolean hasNext() {
    while (!current.hasNext()) {
      if (ended) {
        return false;
      }
      Object o;
      try {
        o = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for replay input", e);
      }
      if (o == null) {
        if (cancelled) {
          ended = true;
          return false;
        }
        continue;
      }
      if (o == END) {
        ended = true;
        return false;
      }
      if (o instanceof Failure f) {
        ended = true;
        if (f.error() instanceof RuntimeException r) {
          throw r;
        }
        if (f.error() instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(f.error().getMessage(), f.error());
      }
      current = ((List<T>) o).iterator();
    }
    return true;
  }

  /** The next item (consumer side). */
  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
