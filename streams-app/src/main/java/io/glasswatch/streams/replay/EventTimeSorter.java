package io.glasswatch.streams.replay;

import io.glasswatch.schema.Topics;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Orders replay inputs by event time in bounded memory: an external merge sort. Records are kept
 * Avro-encoded (binary, the topic's value schema) in a buffer of at most {@code bufferBytes}; a full
 * buffer is sorted and written to a run file in a temporary directory, and {@link #sorted()} merges
 * the runs. The order is stable: equal event times keep the order in which records were added (file
 * order), as SPEC section 5 asks of replay.
 *
 * <p>Memory: the buffer, plus one decoded record and a 64 KiB read buffer per run while merging.
 * Disk: about the Avro size of the input. Not thread-safe; {@link #close()} deletes the run files.
 */
public final class EventTimeSorter implements AutoCloseable {
  /** Default buffer: 64 MiB of encoded records before a run is written. */
  public static final long DEFAULT_BUFFER_BYTES = 64L << 20;

  private static final List<String> TOPICS = Replayer.INPUT_TOPICS;

  private record Entry(long time, long seq, int topic, String key, byte[] value) {
    long size() {
      return value.length + (key == null ? 0 : 2L * key.length()) + 64;
    }
  }

  private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparingLong(Entry::seq);

  private final Path dir;
  private final long bufferBytes;
  private final List<Entry> buffer = new ArrayList<>();
  private final List<Path> runs = new ArrayList<>();
  private final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> writers = new HashMap<>();
  private final Map<Integer, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(4096);
  private BinaryEncoder encoder;
  private long buffered;
  private long seq;
  private boolean sorting;

  /**
   * @param tempParent where the run directory is created (e.g. {@code java.io.tmpdir})
   * @param bufferBytes most bytes of encoded records held before a run is written
   * @throws UncheckedIOException when the run directory cannot be created
   */
  public EventTimeSorter(Path tempParent, long bufferBytes) {
    try {
      this.dir = Files.createTempDirectory(tempParent, "glasswatch-replay-sort");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for sorting replay input", e);
    }
    this.bufferBytes = bufferBytes;
  }

  /** Records added so far. */
  public long size() {
    return seq;
  }

  /** Run files written so far (0 when everything fit in the buffer). */
  public int runs() {
    return runs.size();
  }

  /**
   * Adds one record.
   *
   * @param topic an input topic ({@link Replayer#INPUT_TOPICS})
   * @param key record key
   * @param value the value, of the topic's Avro type
   * @param eventTime its event time
   * @throws IllegalArgumentException for another topic
   * @throws IllegalStateException after {@link #sorted()}
   */
  public void add(String topic, String key, SpecificRecord value, Instant eventTime) {
    if (sorting) {
      throw new IllegalStateException("records cannot be added once sorting has begun");
    }
    int t = TOPICS.indexOf(topic);
    if (t < 0) {
      throw new IllegalArgumentException("not an input topic: " + topic);
    }
    Entry e = new Entry(eventTime.toEpochMilli(), seq++, t, key, encode(Objects.requireNonNull(value, "value")));
    buffer.add(e);
    buffered += e.size();
    if (buffered >= bufferBytes) {
      spill();
    }
  }

  /** The records in event-time order; iterable once. */
  public Iterable<InputRecord> sorted() {
    sorting = true;
    buffer.sort(ORDER);
    List<Iterator<Entry>> sources = new ArrayList<>();
    for (Path run : runs) {
      sources.add(new RunReader(run));
    }
    sources.add(buffer.iterator());
    PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::entry, ORDER));
    for (Iterator<Entry> s : sources) {
      if (s.hasNext()) {
        heads.add(new Head(s.next(), s));
      }
    }
    return () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !heads.isEmpty();
      }

      @Override
      public InputRecord next() {
        Head h = heads.poll();
        if (h == null) {
          throw new NoSuchElementException();
        }
        if (h.source().hasNext()) {
          heads.add(new Head(h.source().next(), h.source()));
        }
        Entry e = h.entry();
        String topic = TOPICS.get(e.topic());
        return new InputRecord(topic, e.key(), decode(e.topic(), e.value()), Instant.ofEpochMilli(e.time()));
      }
    };
  }

  private record Head(Entry entry, Iterator<Entry> source) {}

  private byte[] encode(SpecificRecord value) {
    SpecificDatumWriter<SpecificRecord> w = writers.computeIfAbsent(value.getClass(),
        c -> new SpecificDatumWriter<>(value.getSchema()));
    scratch.reset();
    // buffered: a few writes to the scratch stream per record instead of one per field
    encoder = EncoderFactory.get().binaryEncoder(scratch, encoder);
    try {
      w.write(value, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return scratch.toByteArray();
  }

  private SpecificRecord decode(int topic, byte[] bytes) {
    SpecificDatumReader<SpecificRecord> r = readers.computeIfAbsent(topic, t -> {
      Class<? extends SpecificRecord> type = Topics.valueTypes().get(TOPICS.get(t));
      return new SpecificDatumReader<SpecificRecord>(org.apache.avro.specific.SpecificData.get().getSchema(type));
    });
    try {
      BinaryDecoder d = DecoderFactory.get().binaryDecoder(bytes, null);
      return r.read(null, d);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a sorted replay record", e);
    }
  }

  private void spill() {
    buffer.sort(ORDER);
    Path run = dir.resolve("run-" + runs.size());
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
      for (Entry e : buffer) {
        out.writeLong(e.time());
        out.writeLong(e.seq());
        out.writeByte(e.topic());
        out.writeBoolean(e.key() != null);
        if (e.key() != null) {
          byte[] k = e.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
          out.writeInt(k.length);
          out.write(k);
        }
        out.writeInt(e.value().length);
        out.write(e.value());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a sort run to " + run, e);
    }
    runs.add(run);
    buffer.clear();
    buffered = 0;
  }

  /** Reads the entries of one run file in order. */
  private static final class RunReader implements Iterator<Entry> {
    private final Path file;
    private final DataInputStream in;
    private Entry next;

    RunReader(Path file) {
      this.file = file;
      try {
        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read sort run " + file, e);
      }
      advance();
    }

    private void advance() {
      try {
        long time = in.readLong();
        long seq = in.readLong();
        int topic = in.readByte();
        String key = null;
        if (in.readBoolean()) {
          byte[] k = new byte[in.readInt()];
          in.readFully(k);
          key = new String(k, java.nio.charset.StandardCharsets.UTF_8);
        }
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        next = new Entry(time, seq, topic, key, value);
      } catch (EOFException e) {
        next = null;
        close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read sort run " + file, e);
      }
    }

    private void close() {
      try {
        in.close();
      } catch (IOException e) {
        // read to the end already
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Entry next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Entry e = next;
      advance();
      return e;
    }
  }

  /** Deletes the run files and their directory. */
  @Override
  public void close() {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a left-over temporary file is harmless
    }
  }
}
