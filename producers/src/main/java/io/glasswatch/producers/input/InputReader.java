package io.glasswatch.producers.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.producers.normalize.Json;
import io.glasswatch.producers.normalize.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.Secrets;
import io.glasswatch.producers.normalize.SourceRef;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
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
 * <p>Errors are data ({@link NormalizeResult.Rejected}), never exceptions, and reading goes on:
 *
 * <ul>
 *   <li>A syntax error rejects the value it occurs in (file, the value's start line, the error's
 *       line and column) and reading resumes at the first later line that starts in column 1 with
 *       something other than whitespace, '}', ']' or ','. In a JSON-lines file that is the next line;
 *       the indented interior of a broken pretty-printed document is skipped as part of the
 *       rejected value (the reason names the skipped lines) instead of being reported line by line.
 *   <li>A truncated or corrupt GZIP file: everything decompressed before the damage is read, and
 *       the damage is one rejection at the last line reached.
 *   <li>A file that cannot be read (missing, no permission): one rejection with line 0.
 * </ul>
 *
 * <p>A file is decompressed into memory while it is read (CloudTrail log files are at most tens of
 * megabytes); files above 2 GiB are rejected. Raw bytes of rejected values are kept with secrets
 * redacted ({@link Secrets#redactRaw}); parser messages are stripped of quoted input text
 * ({@link Normalizer#safeMessage}).
 */
public final class InputReader {
  private static final Logger LOG = LoggerFactory.getLogger(InputReader.class);
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private final Normalizer normalizer;
  private final ObjectMapper mapper = Json.MAPPER;
  private final JsonFactory factory = Json.MAPPER.getFactory();

  /** A reader with a default {@link Normalizer}. */
  public InputReader() {
    this(new Normalizer());
  }

  /** A reader that normalizes with {@code normalizer}. */
  public InputReader(Normalizer normalizer) {
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
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
          v -> normalizer.normalize(v.value(), v.source(), v.raw(), sink),
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
   * Reads the JSON values of one file without normalizing them.
   *
   * @param file the file (decompressed when it is GZIP)
   * @param values receives each top-level value, and each element of a top-level array, in file order
   * @param errors receives unreadable files, syntax errors and GZIP damage as rejections
   */
  public void readValues(Path file, Consumer<SourceValue> values, Consumer<NormalizeResult.Rejected> errors) {
    String name = file.toString();
    Loaded loaded;
    try {
      loaded = load(file);
    } catch (IOException e) {
      errors.accept(fileError(name, "cannot read: " + describe(e)));
      return;
    } catch (OutOfMemoryError e) {
      errors.accept(fileError(name, "cannot read: too large to hold in memory"));
      return;
    }
    boolean damageReported = parse(name, loaded.data, loaded.damage, values, errors);
    if (loaded.damage != null && !damageReported) {
      long line = 1 + count(loaded.data, 0, loaded.data.length, (byte) '\n');
      errors.accept(new NormalizeResult.Rejected(name, line, null, loaded.damage, new byte[0]));
    }
  }

  private static NormalizeResult.Rejected fileError(String name, String reason) {
    LOG.warn("{}: {}", name, reason);
    return new NormalizeResult.Rejected(name, 0, null, reason, new byte[0]);
  }

  /** File content and, for a damaged GZIP file, a description of the damage. */
  private record Loaded(byte[] data, String damage) {}

  private static Loaded load(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      in.mark(2);
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      if (b1 != GZIP_MAGIC_1 || b2 != GZIP_MAGIC_2) {
        return new Loaded(in.readAllBytes(), null);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
      try (GZIPInputStream gz = new GZIPInputStream(in, 1 << 16)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = gz.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
        }
      } catch (EOFException e) {
        return new Loaded(out.toByteArray(), "truncated GZIP file: the compressed data ends early ("
            + e.getMessage() + "); everything after this point is lost");
      } catch (ZipException e) {
        return new Loaded(out.toByteArray(), "corrupt GZIP file: " + e.getMessage()
            + "; everything after this point is lost");
      }
      return new Loaded(out.toByteArray(), null);
    }
  }

  /**
   * Parses {@code data}, resynchronizing after syntax errors.
   *
   * @return whether {@code damage} was attached to a syntax error at the end of the data
   */
  private boolean parse(String name, byte[] data, String damage, Consumer<SourceValue> values,
      Consumer<NormalizeResult.Rejected> errors) {
    int offset = data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb
        && (data[2] & 0xff) == 0xbf ? 3 : 0;
    long lineBase = 0; // the line at `offset` (always a line start) is lineBase + 1
    boolean damageReported = false;
    while (offset < data.length) {
      int valueStart = -1;
      long valueLine = -1;
      int lastEnd = offset; // end of the last value read in this segment
      try (JsonParser p = factory.createParser(data, offset, data.length - offset)) {
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          JsonLocation loc = p.currentTokenLocation();
          valueStart = offset + (int) loc.getByteOffset();
          valueLine = lineBase + loc.getLineNr();
          if (t == JsonToken.START_ARRAY) {
            int index = 0;
            valueStart = -1;
            for (JsonToken it = p.nextToken(); it != JsonToken.END_ARRAY; it = p.nextToken()) {
              if (it == null) {
                throw new JsonParseException(p, "Unexpected end-of-input: expected close marker for Array");
              }
              JsonLocation itemLoc = p.currentTokenLocation();
              valueStart = offset + (int) itemLoc.getByteOffset();
              valueLine = lineBase + itemLoc.getLineNr();
              JsonNode node = mapper.readTree(p);
              int end = offset + (int) p.currentLocation().getByteOffset();
              values.accept(new SourceValue(new SourceRef(name, valueLine, Integer.toString(index)), node,
                  slice(data, valueStart, end)));
              lastEnd = end;
              valueStart = -1;
              index++;
            }
          } else {
            JsonNode node = mapper.readTree(p);
            int end = offset + (int) p.currentLocation().getByteOffset();
            values.accept(new SourceValue(SourceRef.of(name, valueLine), node, slice(data, valueStart, end)));
            lastEnd = end;
          }
          valueStart = -1;
        }
        return damageReported;
      } catch (JsonProcessingException e) {
        JsonLocation el = e.getLocation();
        long errLine = el == null ? -1 : lineBase + el.getLineNr();
        int errOffset = el == null || el.getByteOffset() < 0
            ? data.length : (int) Math.min(data.length, offset + el.getByteOffset());
        int failStart;
        long failLine;
        if (valueStart >= 0) {
          failStart = valueStart;
          failLine = valueLine;
        } else {
          failStart = Math.max(lineStart(data, errOffset, offset), Math.min(lastEnd, errOffset));
          while (failStart < errOffset && Character.isWhitespace(data[failStart])) {
            failStart++;
          }
          failLine = lineBase + 1 + count(data, offset, failStart, (byte) '\n');
        }
        int resume = resync(data, failStart);
        long lastLine = failLine + count(data, failStart, Math.max(failStart, resume - 1), (byte) '\n');
        StringBuilder reason = new StringBuilder("invalid JSON");
        long resumeLine = failLine + count(data, failStart, resume, (byte) '\n');
        if (errOffset >= resume && resume < data.length) {
          // the parser ran on into the next value: the rejected value is simply incomplete
          reason.append(" at line ").append(lastLine).append(": the value is incomplete (line ")
              .append(resumeLine).append(" starts a new value)");
        } else {
          if (errLine > 0) {
            reason.append(" at line ").append(errLine).append(", column ").append(el.getColumnNr());
          }
          reason.append(": ").append(Normalizer.safeMessage(e));
        }
        if (lastLine > failLine) {
          reason.append(" (lines ").append(failLine).append('-').append(lastLine).append(" skipped)");
        }
        if (resume >= data.length && damage != null) {
          reason.append("; ").append(damage);
          damageReported = true;
        }
        byte[] raw = Secrets.redactRaw(trimEnd(slice(data, failStart, resume)));
        NormalizeResult.Rejected rejected =
            new NormalizeResult.Rejected(name, failLine, null, reason.toString(), raw);
        LOG.debug("{}", rejected);
        errors.accept(rejected);
        lineBase = resumeLine - 1;
        offset = resume;
      } catch (IOException e) {
        throw new UncheckedIOException("reading in-memory content of " + name, e);
      }
    }
    return damageReported;
  }

  /**
   * Where reading resumes after a value that starts at {@code from} failed: the first later line
   * that starts in column 1 with something other than whitespace, '}', ']' or ','; or the end.
   */
  private static int resync(byte[] data, int from) {
    int i = indexOf(data, (byte) '\n', from) + 1;
    while (i > 0 && i < data.length) {
      byte c = data[i];
      if (c == '\n') {
        i++;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '}' || c == ']' || c == ',') {
        i = indexOf(data, (byte) '\n', i) + 1;
      } else {
        return i;
      }
    }
    return data.length;
  }

  private static int lineStart(byte[] data, int pos, int floor) {
    int i = Math.min(pos, data.length);
    while (i > floor && data[i - 1] != '\n') {
      i--;
    }
    return i;
  }

  private static int indexOf(byte[] data, byte b, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static long count(byte[] data, int from, int to, byte b) {
    long n = 0;
    for (int i = from; i < to; i++) {
      if (data[i] == b) {
        n++;
      }
    }
    return n;
  }

  private static byte[] slice(byte[] data, int from, int to) {
    return Arrays.copyOfRange(data, Math.max(0, from), Math.min(data.length, Math.max(from, to)));
  }

  private static byte[] trimEnd(byte[] b) {
    int end = b.length;
    while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == ' ' || b[end - 1] == '\t')) {
      end--;
    }
    return end == b.length ? b : Arrays.copyOf(b, end);
  }
}
