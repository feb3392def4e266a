package io.glasswatch.producers.ingest.files;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.ProduceReport;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.SourceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails a JSON-lines file a gateway appends to (e.g. {@code break-glass-events.log}, {@code audit.log})
 * and produces each complete line once, surviving rotation and restart without re-reading or skipping.
 *
 * <p>Rule: the tailer holds the file open and reads complete lines (ending in LF; CRLF accepted) after
 * its offset; a partial last line waits for its newline. After Kafka acknowledged a batch it writes the
 * checkpoint {@code {"fileKey": "<device and inode>", "offset": <bytes>, "line": <lines>}} under
 * {@code tail:<absolute path>}. When the path comes to name another file (rename rotation, as
 * logrotate's default and most logging libraries do), the tailer first reads the old file to its end
 * (a final line without newline included), then starts the new file at offset 0. When the file
 * shrinks below the offset ({@code copytruncate}), it starts again at 0. At start it resumes from the
 * checkpoint: in the same file at the offset; or, when the file was rotated while the tailer was down,
 * in the rotated file (a sibling whose name starts with the file's name and whose file key matches, e.g.
 * {@code audit.log.1}) from the offset to its end, then in the new file from the start. A rotated file
 * that was compressed or deleted meanwhile cannot be found: the tailer then says so in a warning, with
 * the number of lines possibly lost. Each line is normalized alone; a bad line goes to the dead-letter
 * topic with the file and line number. Not thread-safe: one thread tails.
 */
public final class JsonLinesTailer implements AutoCloseable {
  /** Metrics source name and checkpoint key prefix ({@code tail:}). */
  public static final String SOURCE = "tail";
  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesTailer.class);
  private static final int MAX_BATCH_BYTES = 4 << 20;

  private final Path path;
  private final CheckpointStore checkpoints;
  private final EventProducer producer;
  private final IngestMetrics metrics;
  private final Clock clock;
  private final Normalizer normalizer;
  private FileChannel channel;
  private Path openPath;
  private String fileKey;
  private long offset;
  private long line;
  private volatile long unread;

  /**
   * A tailer of {@code path} (which need not exist yet).
   *
   * @param checkpoints where its position is kept
   * @param producer producer of the input and dead-letter topics
   */
  public JsonLinesTailer(Path path, CheckpointStore checkpoints, EventProducer producer, IngestMetrics metrics,
      Clock clock) {
    this(path, checkpoints, producer, metrics, clock, new Normalizer());
  }

  /**
   * A tailer that normalizes with {@code normalizer} (e.g. one holding the {@code sources.*} settings:
   * the AuthZ gateway's audit key).
   */
  public JsonLinesTailer(Path path, CheckpointStore checkpoints, EventProducer producer, IngestMetrics metrics,
      Clock clock, Normalizer normalizer) {
    this.normalizer = normalizer;
    this.path = path.toAbsolutePath().normalize();
    this.checkpoints = checkpoints;
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
    metrics.lagBytes(this.path.toString(), () -> unread);
  }

  /** {@code tail:<absolute path>}. */
  public String checkpointKey() {
    return SOURCE + ":" + path;
  }

  /**
   * Reads and produces every complete line written since the last call, following a rotation.
   *
   * @return lines produced (events and dead-letter records; blank lines are not counted)
   * @throws io.glasswatch.producers.kafka.ProduceException when Kafka did not acknowledge (the position is
   *     unchanged, the lines are read again next time)
   * @throws UncheckedIOException when the file cannot be read
   */
  public long pollOnce() {
    try {
      if (channel == null && !openFromCheckpoint()) {
        return 0;
      }
      long total = 0;
      while (true) {
        total += drain(false);
        String current = keyOf(path);
        if (current != null && !current.equals(fileKey)) {
          total += drain(true);
          LOG.info("{} rotated: {} read to its end at line {}; following the new file", path, openPath, line);
          open(path, current, 0, 0);
          continue;
        }
        if (current != null && Files.size(path) < offset) {
          LOG.warn("{} truncated below offset {}; reading it from the start", path, offset);
          open(path, current, 0, 0);
          continue;
        }
        unread = current == null ? 0 : Math.max(0, Files.size(path) - offset);
        return total;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
  }

  private boolean openFromCheckpoint() throws IOException {
    String current = keyOf(path);
    JsonNode cp = checkpoints.get(checkpointKey()).map(JsonLinesTailer::parse).orElse(null);
    if (cp == null) {
      if (current == null) {
        return false;
      }
      open(path, current, 0, 0);
      return true;
    }
    String key = cp.get("fileKey").asText();
    long off = cp.get("offset").asLong();
    long ln = cp.get("line").asLong();
    if (key.equals(current)) {
      open(path, current, Files.size(path) < off ? 0 : off, Files.size(path) < off ? 0 : ln);
      return true;
    }
    Path rotated = findByKey(key);
    if (rotated != null) {
      LOG.info("{} was rotated while stopped; finishing {} from line {}", path, rotated, ln);
      open(rotated, key, off, ln);
      return true;
    }
    if (current == null) {
      return false;
    }
    LOG.warn("{} was rotated while stopped and the old file (position line {}) is gone (compressed or deleted):"
        + " lines written to it after that position are lost; reading the new file from the start", path, ln);
    open(path, current, 0, 0);
    return true;
  }

  private Path findByKey(String key) throws IOException {
    Path dir = path.getParent();
    String base = path.getFileName().toString();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(base))) {
      for (Path p : ds) {
        if (!p.equals(path) && key.equals(keyOf(p))) {
          return p;
        }
      }
    }
    return null;
  }

  private void open(Path p, String key, long off, long ln) throws IOException {
    if (channel != null) {
      channel.close();
    }
    channel = FileChannel.open(p, StandardOpenOption.READ);
    openPath = p;
    fileKey = key;
    offset = off;
    line = ln;
  }

  /** Reads complete lines (all remaining bytes when {@code toEnd}) of the open file and produces them. */
  private long drain(boolean toEnd) throws IOException {
    long total = 0;
    while (true) {
      long size = channel.size();
      if (size <= offset) {
        return total;
      }
      int len = (int) Math.min(MAX_BATCH_BYTES, size - offset);
      ByteBuffer buf = ByteBuffer.allocate(len);
      while (buf.hasRemaining() && channel.read(buf, offset + buf.position()) > 0) {
        // fill
      }
      byte[] data = buf.array();
      int end = buf.position();
      int consumed = lastNewline(data, end) + 1;
      if (consumed == 0) {
        if (!toEnd && end < MAX_BATCH_BYTES) {
          return total; // a partial line: wait for its newline
        }
        consumed = end; // the old file's last line, or a line longer than a batch
      }
      List<NormalizeResult> results = new ArrayList<>();
      long ln = line;
      int start = 0;
      for (int i = 0; i <= consumed; i++) {
        if (i == consumed || data[i] == '\n') {
          if (i == consumed && start == consumed) {
            break;
          }
          ln++;
          int stop = i > start && data[i - 1] == '\r' ? i - 1 : i;
          String text = new String(data, start, stop - start, StandardCharsets.UTF_8);
          if (!text.isBlank()) {
            results.addAll(normalizer.normalizeJson(text, SourceRef.of(openPath.toString(), ln)));
          }
          start = i + 1;
          if (i == consumed) {
            break;
          }
        }
      }
      ProduceReport report = producer.produceResults(results, m -> { });
      offset += consumed;
      line = ln;
      var cp = Json.MAPPER.createObjectNode().put("fileKey", fileKey).put("offset", offset).put("line", line);
      checkpoints.put(checkpointKey(), Json.compact(cp));
      metrics.eventsIn(SOURCE, report.producedTotal());
      metrics.rejected(SOURCE, "invalid_event", report.rejected());
      metrics.checkpoint(SOURCE, path.toString(), clock.instant());
      total += report.producedTotal() + report.rejected();
    }
  }

  private static int lastNewline(byte[] data, int end) {
    for (int i = end - 1; i >= 0; i--) {
      if (data[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String keyOf(Path p) throws IOException {
    try {
      Object k = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
      return k == null ? "size-unknown:" + p.getFileName() : k.toString();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable tail checkpoint", e);
    }
  }

  /** The position: {@code <file>:<line>} (tests, logs). */
  public String position() {
    return openPath + ":" + line + " (offset " + offset + ")";
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
