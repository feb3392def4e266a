package io.glasswatch.cli.investigation;

import io.glasswatch.sinks.timeline.TimelineVerifier;
import io.glasswatch.sinks.timeline.TimelineVerifier.ChainReport;
import io.glasswatch.sinks.timeline.TimelineVerifier.Finding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Readable and JSON forms of {@link ChainReport}s, as printed by {@code glasswatch verify} and stored
 * as {@code chain-proof.json} in evidence bundles.
 */
public final class ChainReports {
  /** How the chain is computed, for the proof's readers. */
  public static final String ALGORITHM = "hash = hex(SHA-256(UTF-8(canonical JSON of every TimelineEntry field except"
      + " hash, keys sorted, nulls as null, timestamp as epoch milliseconds, no whitespace))); prevHash and"
      + " sequence are part of the hashed object (io.glasswatch.schema.Hashing)";

  private ChainReports() {}

  /**
   * Text lines: one {@code OK} or {@code BROKEN} line per chain, one indented line per finding
   * ({@code <PROBLEM> seq <n> <entry id>: <detail>}), and a summary line.
   */
  public static List<String> lines(List<ChainReport> reports) {
    List<String> out = new ArrayList<>();
    long entries = 0;
    long findings = 0;
    long broken = 0;
    for (ChainReport r : reports) {
      entries += r.links().size();
      findings += r.findings().size();
      if (r.intact()) {
        out.add(String.format(Locale.ROOT, "OK      %s: %d entries, head sequence %d hash %s", r.correlationId(),
            r.links().size(), r.headSequence(), TimelineVerifier.shortHash(r.headHash())));
      } else {
        broken++;
        out.add(String.format(Locale.ROOT, "BROKEN  %s: %d entries, %d problems", r.correlationId(),
            r.links().size(), r.findings().size()));
        for (Finding f : r.findings()) {
          out.add(String.format(Locale.ROOT, "  %-12s seq %-5d %s: %s", f.problem(), f.sequence(), f.entryId(),
              f.detail()));
        }
      }
    }
    out.add(String.format(Locale.ROOT, "verified %d chains, %d entries: %s", reports.size(), entries,
        findings == 0 ? "every chain intact" : broken + " broken chains, " + findings + " problems"));
    return out;
  }

  /**
   * The proof of one chain as a JSON-ready map: correlationId, algorithm, intact, headSequence,
   * headHash, entries (sequence, entryId, prevHash, hash, recomputedHash, ok) and findings
   * (entryId, sequence, problem, detail).
   */
  public static Map<String, Object> proof(ChainReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("correlationId", r.correlationId());
    m.put("algorithm", ALGORITHM);
    m.put("intact", r.intact());
    m.put("headSequence", r.headSequence());
    m.put("headHash", r.headHash());
    List<Map<String, Object>> entries = new ArrayList<>();
    for (TimelineVerifier.Link l : r.links()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("sequence", l.sequence());
      e.put("entryId", l.entryId());
      e.put("prevHash", l.prevHash());
      e.put("hash", l.storedHash());
      e.put("recomputedHash", l.recomputedHash());
      e.put("ok", l.storedHash() != null && l.storedHash().equals(l.recomputedHash()));
      entries.add(e);
    }
    m.put("entries", entries);
    List<Map<String, Object>> findings = new ArrayList<>();
    for (Finding f : r.findings()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("entryId", f.entryId());
      e.put("sequence", f.sequence());
      e.put("problem", f.problem().name());
      e.put("detail", f.detail());
      findings.add(e);
    }
    m.put("findings", findings);
    return m;
  }
}
