package io.glasswatch.producers.ingest.files;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.input.InputReader;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.ProduceReport;
import io.glasswatch.producers.normalize.core.Json;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches directories of CloudTrail log files (an {@code aws s3 sync} target of a trail's bucket, an
 * organization trail exported to disk) and produces each file's records once.
 *
 * <p>Rule: every scan lists the directories recursively (hidden entries skipped, {@link InputReader#files});
 * a file not read before is read once its size and modification time are the same at two consecutive
 * scans (so a file still being written waits). It may be a log file {@code {"Records": [...]}}, gzipped
 * ({@code .json.gz}, as CloudTrail writes them) or not, or any other input shape of SPEC section 1;
 * digest files are skipped and counted. After Kafka acknowledged its records, the file is recorded in
 * the checkpoint topic under {@code cloudtrail-log:<absolute path>} with its size, modification time and
 * counts, and never read again, across restarts too. Bad records go to the dead-letter topic with the
 * file and line. Not thread-safe: one thread scans.
 */
public final class CloudTrailLogWatcher {
  /** Metrics source name and checkpoint key prefix ({@code cloudtrail-log:}). */
  public static final String SOURCE = "cloudtrail-log";
  private static final Logger LOG = LoggerFactory.getLogger(CloudTrailLogWatcher.class);

  private final List<Path> dirs;
  private final CheckpointStore checkpoints;
  private final EventProducer producer;
  private final IngestMetrics metrics;
  private final Clock clock;
  private final InputReader reader = new InputReader();
  private final Map<Path, String> lastSeen = new HashMap<>();

  /**
   * A watcher.
   *
   * @param dirs directories to watch (a missing one is skipped until it exists)
   * @param checkpoints where read files are recorded
   * @param producer producer of the input and dead-letter topics
   */
  public CloudTrailLogWatcher(List<Path> dirs, CheckpointStore checkpoints, EventProducer producer,
      IngestMetrics metrics, Clock clock) {
    this.dirs = List.copyOf(dirs);
    this.checkpoints = checkpoints;
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The checkpoint key of {@code file}. */
  public static String checkpointKey(Path file) {
    return SOURCE + ":" + file.toAbsolutePath().normalize();
  }

  /**
   * Scans once and reads every new, settled file.
   *
   * @return the files read in this scan, in path order
   * @throws io.glasswatch.producers.kafka.ProduceException when Kafka did not acknowledge a file's records
   *     (it is not recorded, and is read again at a later scan)
   */
  public List<Path> scanOnce() {
    List<Path> existing = dirs.stream().filter(Files::isDirectory).toList();
    List<Path> read = new ArrayList<>();
    if (existing.isEmpty()) {
      return read;
    }
    for (Path file : InputReader.files(existing)) {
      String key = checkpointKey(file);
      if (checkpoints.get(key).isPresent()) {
        continue;
      }
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (IOException e) {
        continue; // vanished between listing and reading
      }
      String stamp = attrs.size() + "@" + attrs.lastModifiedTime().toMillis();
      if (!stamp.equals(lastSeen.put(file, stamp))) {
        continue; // new or still changing: read at a later scan
      }
      List<NormalizeResult> results = new ArrayList<>();
      reader.read(List.of(file), results::add);
      ProduceReport report = producer.produceResults(results, line -> { });
      var value = Json.MAPPER.createObjectNode().put("size", attrs.size())
          .put("modified", attrs.lastModifiedTime().toInstant().toString()).put("readAt", clock.instant().toString())
          .put("events", report.producedTotal()).put("rejected", report.rejected()).put("skipped", report.skipped());
      checkpoints.put(key, Json.compact(value));
      lastSeen.remove(file);
      metrics.eventsIn(SOURCE, report.producedTotal());
      metrics.rejected(SOURCE, "invalid_event", report.rejected());
      metrics.checkpoint(SOURCE, "files", clock.instant());
      LOG.info("{}: {}", file, report.summary());
      read.add(file);
    }
    return read;
  }

  /** The record of a read file, or null when it was not read. */
  public JsonNode record(Path file) {
    return checkpoints.get(checkpointKey(file)).map(v -> {
      try {
        return Json.MAPPER.readTree(v);
      } catch (IOException e) {
        return null;
      }
    }).orElse(null);
  }
}
