package io.glasswatch.producers.input;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * The decompressed bytes of one input file as the JSON parser reads them, with a bounded window of
 * what was read kept for the raw bytes of each value, line numbers, and resuming after an error.
 *
 * <p>Positions are absolute byte offsets from the start of the decompressed content. The window
 * holds {@code [base, end)}: everything read since the reader last {@link #release released} it.
 * Reads come from the window while the cursor {@code pos} is inside it (after a {@link #rewind}),
 * then from the source. The window never grows beyond {@code limit} bytes: when it would, leading
 * whitespace (the gap between two values) is dropped first, and if that is not enough the read
 * fails with {@link TooLarge}, so one record can never take more memory than the configured
 * maximum record size. Lines are counted as the window is released, so {@link #lineAt} is exact for
 * any position still in the window.
 *
 * <p>A source that fails while being read (a truncated or corrupt GZIP stream, an I/O error) ends
 * the content there: everything read before the failure stays readable and {@link #damage()}
 * describes the failure. Not thread-safe; one instance per file.
 */
final class TrackedInput extends InputStream {
  /** A value would need more than the maximum record size of memory. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message, null);
    }
  }

  private static final int CHUNK = 1 << 16;

  private final InputStream src;
  private final int limit;
  private byte[] buf = new byte[CHUNK];
  private int start; // index in buf of base
  private int len; // bytes in the window: [base, base + len)
  private long base;
  private long baseLines; // newlines before base
  private long pos;
  private boolean eof;
  private boolean scanning; // in resync: everything before pos may be released
  private String damage;

  /**
   * @param src the decompressed content (closed by the caller)
   * @param limit most bytes the window may hold
   */
  TrackedInput(InputStream src, int limit) {
    this.src = src;
    this.limit = limit;
  }

  /** The failure that ended the content early, or null. */
  String damage() {
    return damage;
  }

  /** The absolute offset just past the last byte read from the source so far. */
  long end() {
    return base + len;
  }

  /** The oldest position still in the window. */
  long base() {
    return base;
  }

  /** Moves the read cursor back (or forward) to {@code to}, which must be in the window. */
  void rewind(long to) {
    if (to < base || to > end()) {
      throw new IllegalStateException("position " + to + " is outside the window [" + base + ", " + end() + ")");
    }
    pos = to;
  }

  /** Whether no byte is left at {@code at} (reading from the source as needed). */
  boolean atEnd(long at) throws IOException {
    return byteAt(at) < 0;
  }

  /** Forgets the window before {@code to} (clamped to the cursor), counting its lines. */
  void release(long to) {
    long upTo = Math.min(Math.max(to, base), Math.max(pos, base));
    int n = (int) (upTo - base);
    baseLines += count(start, start + n);
    start += n;
    len -= n;
    base = upTo;
  }

  /** 1-based line number of position {@code at}, which must be in the window or at its end. */
  long lineAt(long at) {
    long to = Math.min(Math.max(at, base), end());
    return baseLines + 1 + count(start, start + (int) (to - base));
  }

  /** Number of newlines in {@code [from, to)}, both clamped to the window. */
  long newlines(long from, long to) {
    long f = Math.min(Math.max(from, base), end());
    long t = Math.min(Math.max(to, f), end());
    return count(start + (int) (f - base), start + (int) (t - base));
  }

  /** A copy of {@code [from, to)}, both clamped to the window. */
  byte[] slice(long from, long to) {
    long f = Math.min(Math.max(from, base), end());
    long t = Math.min(Math.max(to, f), end());
    return Arrays.copyOfRange(buf, start + (int) (f - base), start + (int) (t - base));
  }

  /**
   * The byte at absolute position {@code at} (at or after {@link #base()}), reading from the source as
   * needed, or -1 at the end of the content.
   */
  int byteAt(long at) throws IOException {
    while (at >= end()) {
      if (!fill()) {
        return -1;
      }
    }
    return buf[start + (int) (at - base)] & 0xff;
  }

  /**
   * Where reading resumes after a value that failed at {@code from}: the first later line that starts
   * in column 1 with something other than whitespace, '}', ']' or ','; or the end of the content.
   * Scans without keeping what it passes (the window is released behind the scan), so skipping a
   * huge broken region takes no memory.
   */
  long resync(long from) throws IOException {
    long i = Math.max(from, base);
    boolean lineStart = false;
    scanning = true;
    try {
      for (int c = byteAt(i); c >= 0; c = byteAt(++i)) {
        if (lineStart && c != '\n' && c != ' ' && c != '\t' && c != '\r' && c != '}' && c != ']' && c != ',') {
          return i;
        }
        lineStart = c == '\n';
        pos = Math.max(base, i);
      }
      return i;
    } finally {
      scanning = false;
    }
  }

  /**
   * End (exclusive) of the JSON value starting at {@code from}: a string, an object or array up to its
   * matching bracket, or a scalar up to the next ',', ']', '}' or whitespace; the end of the content
   * when it is cut off. Scans without keeping what it passes, like {@link #resync}.
   */
  long skipValue(long from) throws IOException {
    long i = Math.max(from, base);
    int depth = 0;
    boolean inString = false;
    scanning = true;
    try {
      for (int c = byteAt(i); c >= 0; c = byteAt(++i)) {
        pos = Math.max(base, i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
            if (depth == 0) {
              return i + 1;
            }
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          if (depth == 0) {
            return i;
          }
          if (--depth == 0) {
            return i + 1;
          }
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
          return i;
        }
      }
      return i;
    } finally {
      scanning = false;
    }
  }

  @Override
  public int read() throws IOException {
    int c = byteAt(pos);
    if (c >= 0) {
      pos++;
    }
    return c;
  }

  @Override
  public int read(byte[] b, int off, int n) throws IOException {
    if (n == 0) {
      return 0;
    }
    if (pos >= end() && !fill()) {
      return -1;
    }
    int k = (int) Math.min(n, end() - pos);
    System.arraycopy(buf, start + (int) (pos - base), b, off, k);
    pos += k;
    return k;
  }

  /** Appends one chunk from the source to the window; false at the end of the content. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    makeRoom();
    int n;
    try {
      n = src.read(buf, start + len, Math.min(CHUNK, buf.length - start - len));
    } catch (EOFException e) {
      return fail("truncated GZIP file: the compressed data ends early (" + e.getMessage() + ")");
    } catch (ZipException e) {
      return fail("corrupt GZIP file: " + e.getMessage());
    } catch (IOException e) {
      return fail("read error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    len += n;
    return true;
  }

  private boolean fail(String why) {
    damage = why;
    eof = true;
    return false;
  }

  /** Makes room for one more chunk: compacts, drops leading whitespace, grows up to the limit. */
  private void makeRoom() throws TooLarge {
    if (len + CHUNK > limit && scanning) {
      release(pos);
    }
    if (len + CHUNK > limit) {
      int ws = 0;
      long keepFrom = Math.min(pos, end());
      while (base + ws < keepFrom && isSpace(buf[start + ws])) {
        ws++;
      }
      release(base + ws);
      if (len + CHUNK > limit) {
        throw new TooLarge("a value is larger than the maximum record size of " + (limit - CHUNK) + " bytes");
      }
    }
    if (start + len + CHUNK <= buf.length) {
      return;
    }
    if (len + CHUNK <= buf.length) {
      System.arraycopy(buf, start, buf, 0, len);
      start = 0;
      return;
    }
    byte[] bigger = new byte[Math.max(buf.length * 2, len + CHUNK)];
    System.arraycopy(buf, start, bigger, 0, len);
    buf = bigger;
    start = 0;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private long count(int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      if (buf[i] == '\n') {
        n++;
      }
    }
    return n;
  }

  /** Does not close the source: its owner does. */
  @Override
  public void close() {
    // the source belongs to the caller
  }
}
