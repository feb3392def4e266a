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
import java.util.Arrays;
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
 * <p>The buffer packs the records into a few large byte arrays (chunks of {@value #CHUNK_BYTES} bytes,
 * reused from one run to the next; a record larger than a chunk gets one of its own) in the run files'
 * layout, with their event times and positions in primitive arrays, instead of one object per record:
 * so the garbage collector has a few large arrays to keep, not a million small ones, and a run is
 * written by copying bytes.
 *
 * <p>Memory: the buffer, plus one decoded record and a 64 KiB read buffer per run while merging.
 * Disk: about the Avro size of the input. Not thread-safe; {@link #close()} deletes the run files.
 */
public final class EventTimeSorter implements AutoCloseable {
  /** Default buffer: 64 MiB of encoded records before a run is written. */
  public static final long DEFAULT_BUFFER_BYTES = 64L << 20;
  /** Size of the buffer's byte arrays. */
  static final int CHUNK_BYTES = 4 << 20;
  /** Bytes counted per buffered record besides its encoding (its event time and position). */
  private static final int ENTRY_OVERHEAD = 32;

  private static final List<String> TOPICS = Replayer.INPUT_TOPICS;

  /** One record on its way through a merge. */
  private record Entry(long time, long seq, int topic, String key, byte[] value) {}

  private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparingLong(Entry::seq);

  /** A byte array output stream whose array can be copied from without a copy of its own. */
  private static final class Scratch extends ByteArrayOutputStream {
    Scratch(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }

  private final Path dir;
  private final long bufferBytes;
  private final List<Path> runs = new ArrayList<>();
  private final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> writers = new HashMap<>();
  private final Map<Integer, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();
  private final Scratch scratch = new Scratch(4096);
  private BinaryEncoder encoder;
  // the buffer: records in chunks, each in the run files' layout after time and sequence number
  private final List<byte[]> chunks = new ArrayList<>();
  private int chunk; // chunk being filled
  private int fill; // bytes used in it
  private long[] times = new long[1024];
  private int[] places = new int[1024]; // chunk index of each record
  private int[] offsets = new int[1024]; // its offset in the chunk
  private int[] lengths = new int[1024]; // its length there
  private int count; // records in the buffer
  private long firstSeq; // sequence number of the buffer's first record
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
    encode(Objects.requireNonNull(value, "value"));
    byte[] k = key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int length = 2 + (k == null ? 0 : 4 + k.length) + 4 + scratch.size();
    byte[] into = room(length);
    int at = fill;
    into[at++] = (byte) t;
    into[at++] = (byte) (k == null ? 0 : 1);
    if (k != null) {
      at = putInt(into, at, k.length);
      System.arraycopy(k, 0, into, at, k.length);
      at += k.length;
    }
    at = putInt(into, at, scratch.size());
    System.arraycopy(scratch.array(), 0, into, at, scratch.size());
    if (count == times.length) {
      int n = 2 * count;
      times = Arrays.copyOf(times, n);
      places = Arrays.copyOf(places, n);
      offsets = Arrays.copyOf(offsets, n);
      lengths = Arrays.copyOf(lengths, n);
    }
    times[count] = eventTime.toEpochMilli();
    places[count] = chunk;
    offsets[count] = fill;
    lengths[count] = length;
    count++;
    seq++;
    fill += length;
    buffered += length + ENTRY_OVERHEAD;
    if (buffered >= bufferBytes) {
      spill();
    }
  }

  /**
   * The chunk that takes the next {@code length} bytes at {@code fill}: the current one when they fit,
   * else the next (reused when the buffer had it before, new otherwise; of its own size when larger than
   * a chunk).
   */
  private byte[] room(int length) {
    if (!chunks.isEmpty() && chunks.get(chunk).length - fill >= length) {
      return chunks.get(chunk);
    }
    int next = chunks.isEmpty() ? 0 : chunk + 1;
    if (next < chunks.size() && chunks.get(next).length < length) {
      chunks.subList(next, chunks.size()).clear(); // too small for this record: replaced from here on
    }
    if (next == chunks.size()) {
      chunks.add(new byte[Math.max(CHUNK_BYTES, length)]);
    }
    chunk = next;
    fill = 0;
    return chunks.get(chunk);
  }

  private static int putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
    return at + 4;
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
  }

  /** The buffer's record indexes in event-time order, equal times in the order added (a stable sort). */
  private Integer[] order() {
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    long[] t = times;
    Arrays.sort(order, (a, b) -> Long.compare(t[a], t[b]));
    return order;
  }

  /** Buffered record {@code i} as a merge entry. */
  private Entry entry(int i) {
    byte[] b = chunks.get(places[i]);
    int at = offsets[i];
    int topic = b[at++];
    String key = null;
    if (b[at++] != 0) {
      int n = getInt(b, at);
      at += 4;
      key = new String(b, at, n, java.nio.charset.StandardCharsets.UTF_8);
      at += n;
    }
    int n = getInt(b, at);
    at += 4;
    return new Entry(times[i], firstSeq + i, topic, key, Arrays.copyOfRange(b, at, at + n));
  }

  /** The records in event-time order; iterable once. */
  public Iterable<InputRecord> sorted() {
    sorting = true;
    Integer[] order = order();
    List<Iterator<Entry>> sources = new ArrayList<>();
    for (Path run : runs) {
      sources.add(new RunReader(run));
    }
    sources.add(new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < order.length;
      }

      @Override
      public Entry next() {
        if (next >= order.length) {
          throw new NoSuchElementException();
        }
        return entry(order[next++]);
      }
    });
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

  /** Encodes {@code value} into {@link #scratch}. */
  private void encode(SpecificRecord value) {
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

  /** Writes the buffer, sorted, to a new run file and empties it (keeping its chunks). */
  private void spill() {
    Path run = dir.resolve("run-" + runs.size());
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
      for (int i : order()) {
        out.writeLong(times[i]);
        out.writeLong(firstSeq + i);
        out.write(chunks.get(places[i]), offsets[i], lengths[i]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a sort run to " + run, e);
    }
    runs.add(run);
    firstSeq += count;
    count = 0;
    chunk = 0;
    fill = 0;
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
