package io.glasswatch.producers.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.Secrets;
import io.glasswatch.producers.normalize.core.SourceRef;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads input files and directories and hands every JSON value, with the line it starts on, to the
 * {@link Normalizer}.
 *
 * <p>Inputs: files, and directories walked recursively, following symbolic links (hidden entries,
 * whose names start with '.', are skipped); each directory's files in path order, inputs in the
 * order given. A file holds JSON
 * lines, one JSON document (pretty-printed or not), a JSON array, or any sequence of these; it is
 * GZIP-decompressed when it starts with the GZIP magic bytes (whatever its name, so {@code .gz} files
 * and CloudTrail's {@code .json.gz} log files read transparently). One Jackson streaming parser runs
 * over the whole file; each top-level value, and each element of a top-level array, is reported with
 * the 1-based line where it starts ({@code getTokenLocation().getLineNr()}), so pretty-printed
 * documents and arrays get true line numbers. Lines end with LF or CRLF; empty lines are skipped.
 *
 * <p>Streaming: a file is decompressed and parsed as it is read, never held whole in memory. A
 * container document whose first field is {@code Records} (a CloudTrail log file), {@code Events}
 * (a LookupEvents response) or {@code Findings} (a GetFindings response) holding an array is read
 * element by element ({@link SourceValue#container()}), like a top-level array; so memory is
 * bounded by the largest single record, whatever the file size. A value larger than the maximum
 * record size ({@link #DEFAULT_MAX_RECORD_BYTES} unless configured) is rejected with that reason and
 * reading resumes as after a syntax error.
 *
 * <p>Errors are data ({@link NormalizeResult.Rejected}), never exceptions, and reading goes on:
 *
 * <ul>
 *   <li>A syntax error rejects the value it occurs in (file, the value's start line, the error's
 *       line and column) and reading resumes at the first later line that starts in column 1 with
 *       something other than whitespace, '}', ']' or ','. In a JSON-lines file that is the next line;
 *       the indented interior of a broken pretty-printed document is skipped as part of the
 *       rejected value (the reason names the skipped lines) instead of being reported line by line.
 *       Every element of a top-level array or container read before the error has already been
 *       handed on.
 *   <li>A truncated or corrupt GZIP file: everything decompressed before the damage is read (every
 *       complete record before the cut, also inside a CloudTrail log file's {@code Records}), and
 *       the damage is one rejection at the last line reached.
 *   <li>A file that cannot be read (missing, no permission), or that is not UTF-8 (a UTF-16 or
 *       UTF-32 byte-order mark or NUL bytes at its start; RFC 8259 section 8.1): one rejection with
 *       line 0.
 * </ul>
 *
 * <p>Raw bytes of rejected values are kept with secrets redacted ({@link Secrets#redactRaw}), at most
 * {@value #MAX_RAW_BYTES} bytes of them; parser messages are stripped of quoted input text
 * ({@link Normalizer#safeMessage}).
 *
 * <p>Length: a little over 600 lines, one streaming JSON scanner with its recovery from damaged input
 * (the cases above); split apart, its position bookkeeping would have to be shared between classes.
 */
public final class InputReader {
  private static final Logger LOG = LoggerFactory.getLogger(InputReader.class);
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  /** Default maximum size of one record (one JSON value or container element): 16 MiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 16 << 20;
  /** Most raw bytes kept for one rejected value. */
  public static final int MAX_RAW_BYTES = 64 << 10;
  private static final int CHUNK = 1 << 16;
  /** Container fields read element by element when they come first in a document. */
  private static final List<String> CONTAINERS = List.of("Records", "Events", "Findings");

  private final Normalizer normalizer;
  private final int maxRecordBytes;
  private final ObjectMapper mapper = Json.MAPPER;
  private final JsonFactory factory = Json.MAPPER.getFactory();

  /** A reader with a default {@link Normalizer}. */
  public InputReader() {
    this(new Normalizer());
  }

  /** A reader that normalizes with {@code normalizer}. */
  public InputReader(Normalizer normalizer) {
    this(normalizer, DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * A reader that normalizes with {@code normalizer} and rejects any record larger than
   * {@code maxRecordBytes}.
   *
   * @throws IllegalArgumentException when {@code maxRecordBytes} is below 1 KiB or above 1 GiB
   */
  public InputReader(Normalizer normalizer, int maxRecordBytes) {
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    if (maxRecordBytes < 1024 || maxRecordBytes > 1 << 30) {
      throw new IllegalArgumentException("maximum record size must be 1024 to " + (1 << 30) + " bytes, got "
          + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * The files {@code inputs} name: a file as itself; a directory as its regular, non-hidden files at
   * any depth, sorted by path (hidden directories are not entered). A path that does not exist is
   * kept as it is, so that reading it reports it.
   *
   * @throws UncheckedIOException when a directory or one of its entries cannot be read
   */
  public static List<Path> files(List<Path> inputs) {
    List<Path> out = new ArrayList<>();
    for (Path input : inputs) {
      expand(input, out, e -> {
        throw new UncheckedIOException(e.file() + ": " + e.reason(), new IOException(e.reason()));
      });
    }
    return out;
  }

  /** Adds the files of {@code input} to {@code out}; entries that cannot be read go to {@code errors}. */
  private static void expand(Path input, List<Path> out, Consumer<NormalizeResult.Rejected> errors) {
    if (!Files.isDirectory(input)) {
      out.add(input);
      return;
    }
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(input, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          return !d.equals(input) && isHidden(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
          if (isHidden(f)) {
            return FileVisitResult.CONTINUE;
          }
          if (attrs.isRegularFile()) {
            found.add(f);
          } else if (attrs.isSymbolicLink()) {
            errors.accept(fileError(f.toString(), "cannot read: broken symbolic link"));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          errors.accept(fileError(f.toString(), "cannot read: " + describe(e)));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      errors.accept(fileError(input.toString(), "cannot list directory: " + describe(e)));
    }
    found.sort(null);
    out.addAll(found);
  }

  private static boolean isHidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * Reads and normalizes every input, in order.
   *
   * @param inputs files and directories
   * @param sink receives every result (normalized events, rejections, skipped digests) in input order
   */
  public void read(List<Path> inputs, Consumer<? super NormalizeResult> sink) {
    read(inputs, sink, message -> { });
  }

  /**
   * Reads and normalizes every input, in order, reporting each file to {@code progress}.
   *
   * @param inputs files and directories
   * @param sink receives every result in input order
   * @param progress receives one human-readable line per file
   */
  public void read(List<Path> inputs, Consumer<? super NormalizeResult> sink, Consumer<String> progress) {
    List<Path> files = new ArrayList<>();
    for (Path input : inputs) {
      expand(input, files, sink::accept);
    }
    for (Path file : files) {
      progress.accept("reading " + file);
      readValues(file,
          v -> {
            if (v.container() == null) {
              normalizer.normalize(v.value(), v.source(), v.raw(), sink);
            } else {
              normalizer.normalizeItem(v.container(), v.value(), v.source(), v.raw(), sink);
            }
          },
          sink::accept);
    }
  }

  /** {@link #read(List, Consumer)} collected into a list. */
  public List<NormalizeResult> readAll(List<Path> inputs) {
    List<NormalizeResult> out = new ArrayList<>();
    read(inputs, out::add);
    return out;
  }

  /**
   * Reads the JSON values of one file without normalizing them, streaming (see class Javadoc).
   *
   * @param file the file (decompressed when it is GZIP)
   * @param values receives each top-level value, each element of a top-level array, and each element
   *     of a leading {@code Records}, {@code Events} or {@code Findings} array, in file order
   * @param errors receives unreadable files, syntax errors, values above the maximum record size and
   *     GZIP damage as rejections
   */
  public void readValues(Path file, Consumer<SourceValue> values, Consumer<NormalizeResult.Rejected> errors) {
    String name = file.toString();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
      in.mark(4);
      byte[] head = in.readNBytes(4);
      in.reset();
      boolean gzip = head.length >= 2 && (head[0] & 0xff) == GZIP_MAGIC_1 && (head[1] & 0xff) == GZIP_MAGIC_2;
      InputStream content;
      if (gzip) {
        try {
          content = new GZIPInputStream(in, CHUNK);
        } catch (EOFException | ZipException e) {
          errors.accept(new NormalizeResult.Rejected(name, 1, null,
              "corrupt GZIP file: " + e.getMessage() + "; nothing could be read", new byte[0]));
          return;
        }
      } else {
        content = in;
      }
      try (InputStream c = content) {
        new FileParse(name, new TrackedInput(c, maxRecordBytes + CHUNK), values, errors).run();
      }
    } catch (IOException e) {
      errors.accept(fileError(name, "cannot read: " + describe(e)));
    }
  }

  private static NormalizeResult.Rejected fileError(String name, String reason) {
    LOG.warn("{}: {}", name, reason);
    return new NormalizeResult.Rejected(name, 0, null, reason, new byte[0]);
  }

  /** One file's parse: a sequence of parser segments, a new one after each error. */
  private final class FileParse {
    private final String name;
    private final TrackedInput in;
    private final Consumer<SourceValue> values;
    private final Consumer<NormalizeResult.Rejected> errors;
    private boolean damageReported;
    private long segment; // absolute offset where the current parser's input starts (a synthetic prefix included)
    private String container; // the container array being read, or null
    private SourceRef containerRef; // its document's source
    private int index; // index of the element being read in it
    private Continuation resume; // how the next segment goes on inside a container, or null
    private long segmentLine; // line of `segment`
    private long valueStart = -1; // start of the value being read, or -1 between values
    private long lastEnd; // end of the last value handed on

    FileParse(String name, TrackedInput in, Consumer<SourceValue> values, Consumer<NormalizeResult.Rejected> errors) {
      this.name = name;
      this.in = in;
      this.values = values;
      this.errors = errors;
    }

    void run() throws IOException {
      long offset = 0;
      if (in.byteAt(0) == 0xef && in.byteAt(1) == 0xbb && in.byteAt(2) == 0xbf) {
        offset = 3;
      }
      if (!utf8(offset)) {
        return;
      }
      while (!in.atEnd(offset)) {
        Continuation c = resume;
        resume = null;
        long next = segment(offset, c);
        offset = next > offset ? next : Math.max(offset + 1, in.resync(offset));
      }
      String damage = in.damage();
      if (damage != null && !damageReported) {
        long line = in.lineAt(in.end());
        errors.accept(new NormalizeResult.Rejected(name, line, null, damage + "; everything after this point is lost",
            new byte[0]));
      }
    }

    /** False (after one rejection) when the content starts like UTF-16 or UTF-32 text. */
    private boolean utf8(long offset) throws IOException {
      int b0 = in.byteAt(offset);
      int b1 = in.byteAt(offset + 1);
      boolean bom16 = b0 == 0xfe && b1 == 0xff || b0 == 0xff && b1 == 0xfe;
      boolean nul = false;
      for (int i = 0; i < 4; i++) {
        nul |= in.byteAt(offset + i) == 0;
      }
      if (bom16 || nul) {
        errors.accept(new NormalizeResult.Rejected(name, 1, null, "not UTF-8 text ("
            + (bom16 ? "a UTF-16 or UTF-32 byte-order mark" : "NUL bytes") + " at the start): input must be UTF-8 JSON"
            + " (RFC 8259 section 8.1); nothing was read", new byte[0]));
        return false;
      }
      return true;
    }

    /** Parses from {@code offset} until the end or an error; returns where to go on. */
    private long segment(long offset, Continuation cont) throws IOException {
      in.rewind(offset);
      in.release(offset);
      byte[] prefix = cont == null ? new byte[0] : cont.prefix();
      segment = offset - prefix.length;
      segmentLine = in.lineAt(offset);
      valueStart = -1;
      lastEnd = offset;
      container = null;
      JsonParser p = cont == null ? factory.createParser(in)
          : factory.createParser(new SequenceInputStream(new ByteArrayInputStream(prefix), in));
      try (p) {
        if (cont != null) {
          p.nextToken();
          valueStart = offset;
          object(p, cont.line(), cont);
          valueStart = -1;
        }
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          valueStart = at(p.currentTokenLocation());
          long line = in.lineAt(valueStart);
          if (t == JsonToken.START_ARRAY) {
            items(p, null, null, 0);
          } else if (t == JsonToken.START_OBJECT) {
            object(p, line);
          } else {
            JsonNode node = mapper.readTree(p);
            emit(SourceRef.of(name, line), node, null, end(p));
          }
          valueStart = -1;
        }
        return in.end();
      } catch (TrackedInput.TooLarge e) {
        if (container != null && valueStart >= in.base()) {
          return skipElement(e);
        }
        return failed(p, null, e);
      } catch (IOException | RuntimeException e) {
        TrackedInput.TooLarge big = tooLarge(e);
        if (big != null && container != null && valueStart >= in.base()) {
          return skipElement(big);
        }
        return failed(p, big == null ? e : null, big);
      }
    }

    /** The elements of the array whose START_ARRAY is current; {@code container} names a document's field. */
    private void items(JsonParser p, String containerName, SourceRef ref, int first) throws IOException {
      container = containerName;
      containerRef = ref;
      index = first;
      if (first > 0) {
        p.nextToken(); // the placeholder element of a continuation
      }
      for (JsonToken it = p.nextToken(); it != JsonToken.END_ARRAY; it = p.nextToken()) {
        if (it == null) {
          throw new JsonParseException(p, "Unexpected end-of-input: expected close marker for Array");
        }
        valueStart = at(p.currentTokenLocation());
        long line = in.lineAt(valueStart);
        JsonNode node = mapper.readTree(p);
        SourceRef src = container == null
            ? new SourceRef(name, line, Integer.toString(index))
            : containerRef.item(index);
        emit(src, node, container, end(p));
        index++;
      }
      container = null;
    }

    /**
     * Skips an element of a container that is larger than the maximum record size, reports it, and
     * goes on with the next element (not the next line: a CloudTrail log file is one line).
     */
    private long skipElement(TrackedInput.TooLarge big) throws IOException {
      long start = valueStart;
      long line = in.lineAt(start);
      byte[] head = in.slice(start, start + MAX_RAW_BYTES);
      long end = in.skipValue(start);
      String field = container + "[" + index + "]";
      errors.accept(new NormalizeResult.Rejected(name, line, field, field + ": record too large: " + big.getMessage()
          + " (set a larger maximum record size to read it) [raw value cut to its first " + head.length + " bytes]",
          Secrets.redactRaw(head)));
      resume = new Continuation(container, containerRef.line(), index + 1);
      return end;
    }

    /** A document whose START_OBJECT is current: streamed when its first field is a container array. */
    private void object(JsonParser p, long line) throws IOException {
      object(p, line, null);
    }

    private void object(JsonParser p, long line, Continuation cont) throws IOException {
      long objectStart = valueStart;
      JsonToken t = p.nextToken();
      ObjectNode obj = mapper.createObjectNode();
      if (t == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        String found = CONTAINERS.stream().filter(field::equalsIgnoreCase).findFirst().orElse(null);
        if (found != null && v == JsonToken.START_ARRAY) {
          items(p, found, SourceRef.of(name, line), cont == null ? 0 : cont.next());
          valueStart = objectStart;
          for (JsonToken rest = p.nextToken(); rest != JsonToken.END_OBJECT; rest = p.nextToken()) {
            if (rest == null) {
              throw new JsonParseException(p, "Unexpected end-of-input: expected close marker for Object");
            }
            p.nextToken();
            p.skipChildren();
          }
          lastEnd = end(p);
          in.release(lastEnd);
          return;
        }
        obj.set(field, mapper.readTree(p));
        for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          String f = p.currentName();
          p.nextToken();
          obj.set(f, mapper.readTree(p));
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new JsonParseException(p, t == null ? "Unexpected end-of-input: expected close marker for Object"
            : "Unexpected token " + t + " in an object");
      }
      valueStart = objectStart;
      emit(SourceRef.of(name, line), obj, null, end(p));
    }

    private void emit(SourceRef ref, JsonNode node, String container, long end) {
      if (end - valueStart > maxRecordBytes) {
        String field = container == null ? null : container + "[" + ref.index() + "]";
        byte[] head = in.slice(valueStart, valueStart + MAX_RAW_BYTES);
        errors.accept(new NormalizeResult.Rejected(name, in.lineAt(valueStart), field,
            (field == null ? "" : field + ": ") + "record too large: " + (end - valueStart)
                + " bytes, above the maximum record size of " + maxRecordBytes + " bytes (set a larger maximum"
                + " record size to read it) [raw value cut to its first " + head.length + " bytes]",
            Secrets.redactRaw(head)));
      } else {
        values.accept(new SourceValue(ref, node, in.slice(valueStart, end), container));
      }
      lastEnd = end;
      valueStart = -1;
      in.release(end);
    }

    private long at(JsonLocation loc) {
      long b = loc.getByteOffset();
      return b < 0 ? Math.max(in.base(), lastEnd) : segment + b;
    }

    private long end(JsonParser p) {
      return at(p.currentLocation());
    }

    /** Reports the value that failed and returns where reading resumes. */
    private long failed(JsonParser p, Exception e, TrackedInput.TooLarge big) throws IOException {
      JsonLocation el = e instanceof JsonProcessingException jpe ? jpe.getLocation() : null;
      long errOffset = el == null || el.getByteOffset() < 0
          ? Math.max(in.base(), Math.min(in.end(), segment + safeOffset(p)))
          : Math.min(in.end(), segment + el.getByteOffset());
      long errLine = el == null || el.getLineNr() < 1 ? -1 : segmentLine - 1 + el.getLineNr();
      long failStart;
      if (valueStart >= in.base()) {
        failStart = valueStart;
      } else {
        // the broken value starts at the first non-blank byte after the last value read (the parser
        // may report the error past the end of the token, on the next line)
        failStart = Math.min(Math.max(lastEnd, in.base()), errOffset);
        while (failStart < errOffset && Character.isWhitespace(in.byteAt(failStart))) {
          failStart++;
        }
      }
      long failLine = in.lineAt(failStart);
      byte[] head = in.slice(failStart, failStart + MAX_RAW_BYTES);
      long baseBefore = in.base();
      long resume = in.resync(failStart);
      if (resume <= failStart) {
        resume = Math.max(in.end(), failStart + 1); // always make progress
      }
      long resumeLine = in.lineAt(resume);
      long lastLine = resumeLine - (in.byteAt(resume - 1) == '\n' ? 1 : 0);
      if (lastLine < failLine) {
        lastLine = failLine;
      }
      StringBuilder reason = new StringBuilder();
      boolean atEnd = in.atEnd(resume);
      if (big != null) {
        reason.append("record too large: ").append(big.getMessage()).append(" (set a larger maximum record size"
            + " to read it)");
      } else if (errOffset >= resume && !atEnd) {
        reason.append("invalid JSON at line ").append(lastLine).append(": the value is incomplete (line ")
            .append(resumeLine).append(" starts a new value)");
      } else {
        reason.append("invalid JSON");
        if (errLine > 0) {
          reason.append(" at line ").append(errLine).append(", column ").append(el.getColumnNr());
        }
        reason.append(": ").append(e instanceof JsonProcessingException jpe ? Normalizer.safeMessage(jpe)
            : e == null ? "unreadable" : e.getClass().getSimpleName());
      }
      if (lastLine > failLine) {
        reason.append(" (lines ").append(failLine).append('-').append(lastLine).append(" skipped)");
      }
      if (atEnd && in.damage() != null) {
        reason.append("; ").append(in.damage()).append("; everything after this point is lost");
        damageReported = true;
      }
      byte[] raw = in.base() == baseBefore && resume - failStart <= MAX_RAW_BYTES
          ? in.slice(failStart, resume) : Arrays.copyOf(head, (int) Math.min(head.length, resume - failStart));
      if (raw.length < resume - failStart) {
        reason.append(" [raw value cut to its first ").append(raw.length).append(" bytes]");
      }
      NormalizeResult.Rejected rejected = new NormalizeResult.Rejected(name, failLine, null, reason.toString(),
          Secrets.redactRaw(trimEnd(raw)));
      LOG.debug("{}", rejected);
      errors.accept(rejected);
      return resume;
    }

    private long safeOffset(JsonParser p) {
      try {
        long b = p.currentLocation().getByteOffset();
        return b < 0 ? 0 : b;
      } catch (RuntimeException e) {
        return 0;
      }
    }

  }

  /**
   * How reading goes on inside a container after an element was skipped: a new parser reads
   * {@code {"<container>":[0} and then the file from the end of the skipped element (a ',' or ']'),
   * so the placeholder 0 stands for the elements before and is not handed on.
   */
  private record Continuation(String container, long line, int next) {
    byte[] prefix() {
      return ("{\"" + container + "\":[0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static TrackedInput.TooLarge tooLarge(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TrackedInput.TooLarge t) {
        return t;
      }
    }
    return null;
  }

  private static byte[] trimEnd(byte[] b) {
    int end = b.length;
    while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == ' ' || b[end - 1] == '\t')) {
      end--;
    }
    return end == b.length ? b : Arrays.copyOf(b, end);
  }
}
