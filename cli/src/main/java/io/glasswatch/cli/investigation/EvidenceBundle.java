package io.glasswatch.cli.investigation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.glasswatch.schema.Hashing;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import io.glasswatch.sinks.timeline.TimelineVerifier.ChainReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The evidence bundle of one break-glass request: one ZIP archive (java.util.zip) holding
 *
 * <pre>
 * timeline.json        the request's timeline documents in chain order (JSON array, ECS documents)
 * timeline.md          the same as a Markdown report with the verification result
 * alerts.json          the timeline's alert entries (type, severity, summary, evidence ids, runbook)
 * revoke-results.json  the timeline's enforcement entries (revoke requested / confirmed / failed ...)
 * activity.json        what was done with the grant in AWS ({@link GrantActivity}: calls of its sessions by
 *                      service and action, write calls, KMS keys, first and last call, calls after its end)
 * chain-proof.json     the recomputed hash chain: every link, the head hash, any finding
 * policy.txt           the detection policy in force (its origin and every threshold)
 * policy.yaml          the policy file itself, when the policy came from a file
 * manifest.json        request id, creation time, and name, size and SHA-256 of every other file
 * </pre>
 *
 * Entries are written in that order with the creation time as their modification time. Secrets never
 * enter the bundle: the timeline documents carry token fingerprints and redacted details only, and no
 * setting is written.
 */
public final class EvidenceBundle {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What went into a bundle.
   *
   * @param archive the archive written
   * @param sha256 lower-case hex SHA-256 of the archive
   * @param files name to SHA-256 of every file in it except the manifest, in archive order
   */
  public record Written(Path archive, String sha256, Map<String, String> files) {}

  /**
   * The policy in force.
   *
   * @param origin where it came from (a file path or {@code built-in defaults})
   * @param description every threshold, one line ({@code Policy[...]})
   * @param file the policy file, or null for the defaults
   */
  public record PolicyInForce(String origin, String description, Path file) {}

  private EvidenceBundle() {}

  /**
   * Writes the bundle atomically (a temporary file in the same directory, then a move).
   *
   * @param out the archive to write (replaced when it exists)
   * @param requestId the request
   * @param docs its timeline documents in chain order
   * @param proof the verification of its chain
   * @param policy the policy in force
   * @param createdAt creation time recorded in the manifest and as entry times
   * @throws UncheckedIOException when the archive or the policy file cannot be written or read
   */
  public static Written write(Path out, String requestId, List<Map<String, Object>> docs, ChainReport proof,
      PolicyInForce policy, Instant createdAt) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("timeline.json", TimelineFormat.JSON.render(docs).getBytes(StandardCharsets.UTF_8));
    files.put("timeline.md", markdown(requestId, docs, proof, policy, createdAt).getBytes(StandardCharsets.UTF_8));
    files.put("alerts.json", json(ofKind(docs, "alert")));
    files.put("revoke-results.json", json(ofKind(docs, "enforcement")));
    files.put("activity.json", json(GrantActivity.of(docs)));
    files.put("chain-proof.json", json(ChainReports.proof(proof)));
    files.put("policy.txt", ("policy from " + policy.origin() + System.lineSeparator() + policy.description()
        + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
    try {
      if (policy.file() != null) {
        files.put("policy.yaml", Files.readAllBytes(policy.file()));
      }
      Map<String, String> digests = new LinkedHashMap<>();
      List<Map<String, Object>> listed = new ArrayList<>();
      files.forEach((name, bytes) -> {
        String sha = Hashing.sha256Hex(bytes);
        digests.put(name, sha);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("bytes", bytes.length);
        f.put("sha256", sha);
        listed.add(f);
      });
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("requestId", requestId);
      manifest.put("createdAt", createdAt.toString());
      manifest.put("entries", docs.size());
      manifest.put("chainIntact", proof.intact());
      manifest.put("headSequence", proof.headSequence());
      manifest.put("headHash", proof.headHash());
      manifest.put("files", listed);
      files.put("manifest.json", json(manifest));

      Path dir = out.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".evidence-", ".zip.tmp");
      try {
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
          for (Map.Entry<String, byte[]> f : files.entrySet()) {
            ZipEntry e = new ZipEntry(f.getKey());
            e.setLastModifiedTime(FileTime.from(createdAt));
            zip.putNextEntry(e);
            zip.write(f.getValue());
            zip.closeEntry();
          }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return new Written(out, Hashing.sha256Hex(Files.readAllBytes(out)), digests);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evidence bundle " + out + ": " + e.getMessage(), e);
    }
  }

  private static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(TimelineDocuments.path(d, "glasswatch", "kind"))).map(d -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("entryId", TimelineDocuments.path(d, "glasswatch", "entry_id"));
      m.put("@timestamp", d.get("@timestamp"));
      m.put("action", TimelineDocuments.path(d, "event", "action"));
      m.put("alertId", TimelineDocuments.path(d, "glasswatch", "alert_id"));
      m.put("alertType", TimelineDocuments.path(d, "glasswatch", "alert_type"));
      m.put("severity", TimelineDocuments.path(d, "glasswatch", "severity"));
      m.put("outcome", TimelineDocuments.path(d, "glasswatch", "outcome"));
      m.put("accountId", TimelineDocuments.path(d, "cloud", "account", "id"));
      m.put("subject", TimelineDocuments.path(d, "user", "name"));
      m.put("message", d.get("message"));
      m.put("details", TimelineDocuments.path(d, "glasswatch", "details"));
      m.values().removeIf(v -> v == null);
      return m;
    }).toList();
  }

  private static String markdown(String requestId, List<Map<String, Object>> docs, ChainReport proof,
      PolicyInForce policy, Instant createdAt) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Evidence: break-glass request ").append(requestId).append("\n\n");
    sb.append("- created: ").append(createdAt).append('\n');
    sb.append("- timeline entries: ").append(docs.size()).append('\n');
    sb.append("- alerts: ").append(ofKind(docs, "alert").size()).append('\n');
    sb.append("- enforcement steps: ").append(ofKind(docs, "enforcement").size()).append('\n');
    sb.append("- hash chain: ").append(proof.intact() ? "intact" : "BROKEN").append(", head sequence ")
        .append(proof.headSequence()).append(", head hash `").append(proof.headHash()).append("`\n");
    sb.append("- policy: ").append(policy.origin()).append("\n\n");
    if (!proof.intact()) {
      sb.append("## Chain problems\n\n");
      proof.findings().forEach(f -> sb.append("- ").append(f.problem()).append(" `").append(f.entryId())
          .append("` (sequence ").append(f.sequence()).append("): ").append(f.detail()).append('\n'));
      sb.append('\n');
    }
    sb.append(GrantActivity.markdown(GrantActivity.of(docs)));
    sb.append("## Timeline\n\n").append(TimelineFormat.MARKDOWN.render(docs));
    return sb.toString();
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
