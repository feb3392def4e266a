package io.glasswatch.sinks.timeline;

import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Recomputes a correlation's hash chain from its Elasticsearch documents and names every entry that
 * breaks it. Rule: entry {@code n} must carry {@code sequence = n}, {@code prev_hash} = the stored hash
 * of entry {@code n - 1} (none for the first), and a stored hash equal to
 * {@link Hashing#timelineHash(TimelineEntry)} of the entry rebuilt from the document
 * ({@link TimelineDocuments#toEntry(Map)}), exactly as the streams application computed it.
 *
 * <p>What is reported, by entry id ({@link Problem}):
 *
 * <ul>
 *   <li>{@code EDITED}: the document's content no longer hashes to its stored hash, or its hash was
 *       recomputed after an edit so that the next entry no longer links to it;
 *   <li>{@code REORDERED}: the document hashes correctly only at another sequence, or links to an
 *       entry that is not its predecessor;
 *   <li>{@code MISSING}: sequence numbers are skipped; the finding names the entry after the gap;
 *   <li>{@code DUPLICATE}: two documents claim one sequence number;
 *   <li>{@code BROKEN_LINK}: the link between two consecutive, individually intact entries does not
 *       hold (one of the two was re-linked);
 *   <li>{@code UNVERIFIABLE}: the sink had to redact a secret from the entry's details, so its exact
 *       hashed form is not in Elasticsearch;
 *   <li>{@code MALFORMED}: a required field is missing.
 * </ul>
 *
 * <p>Deleting the newest entries of a chain cannot be seen from the chain alone: compare the head
 * ({@link ChainReport#headSequence()}, {@link ChainReport#headHash()}) with an earlier evidence bundle.
 * Stateless and thread-safe.
 */
public final class TimelineVerifier {
  /** Kinds of chain breaks, see the class Javadoc. */
  public enum Problem { EDITED, REORDERED, MISSING, DUPLICATE, BROKEN_LINK, UNVERIFIABLE, MALFORMED }

  /**
   * One break of the chain.
   *
   * @param correlationId the chain
   * @param entryId the entry named ({@code glasswatch.entry_id}; for MISSING the entry after the gap)
   * @param sequence the sequence the document claims
   * @param problem what is wrong
   * @param detail one sentence for a human
   */
  public record Finding(String correlationId, String entryId, long sequence, Problem problem, String detail) {}

  /**
   * One entry of the chain as found in Elasticsearch.
   *
   * @param entryId the entry id
   * @param sequence claimed sequence
   * @param prevHash stored {@code glasswatch.prev_hash}, null for the first
   * @param storedHash stored {@code glasswatch.hash}
   * @param recomputedHash SHA-256 recomputed from the document, null when it could not be rebuilt
   */
  public record Link(String entryId, long sequence, String prevHash, String storedHash, String recomputedHash) {}

  /**
   * The result for one correlation.
   *
   * @param correlationId the chain
   * @param links every document in chain order (ascending sequence, then entry id)
   * @param findings every break, empty when the chain is intact
   */
  public record ChainReport(String correlationId, List<Link> links, List<Finding> findings) {
    /** Copies the lists. */
    public ChainReport {
      links = List.copyOf(links);
      findings = List.copyOf(findings);
    }

    /** Whether no break was found. */
    public boolean intact() {
      return findings.isEmpty();
    }

    /** Sequence of the last entry (0 for an empty chain). */
    public long headSequence() {
      return links.isEmpty() ? 0 : links.get(links.size() - 1).sequence();
    }

    /** Stored hash of the last entry (null for an empty chain). */
    public String headHash() {
      return links.isEmpty() ? null : links.get(links.size() - 1).storedHash();
    }
  }

  private TimelineVerifier() {}

  /**
   * Verifies one chain.
   *
   * @param correlationId the correlation the documents belong to
   * @param documents its documents ({@code _source} maps written by {@link TimelineDocuments}), any order
   * @return the report; never throws for bad documents (they become findings)
   */
  public static ChainReport verify(String correlationId, List<Map<String, Object>> documents) {
    List<Checked> entries = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (Map<String, Object> doc : documents) {
      entries.add(check(doc));
    }
    entries.sort(Comparator.comparingLong((Checked c) -> c.sequence).thenComparing(c -> c.entryId));
    Map<String, Checked> byHash = new HashMap<>();
    for (Checked c : entries) {
      if (c.storedHash != null) {
        byHash.putIfAbsent(c.storedHash, c);
      }
    }
    Set<String> flagged = new HashSet<>();
    int n = entries.size();
    for (Checked c : entries) {
      if (c.malformed != null) {
        findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.MALFORMED, c.malformed));
        flagged.add(c.entryId);
      } else if (c.redacted) {
        findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.UNVERIFIABLE,
            "its details held a secret the sink redacted, so the hashed form is not stored"));
        flagged.add(c.entryId);
      } else if (!c.recomputedHash.equals(c.storedHash)) {
        Long at = sequenceThatMatches(c, n);
        if (at != null) {
          findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.REORDERED,
              "stored at sequence " + c.sequence + " but hashed at sequence " + at));
        } else {
          findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.EDITED,
              "content no longer matches its hash: recomputed " + shortHash(c.recomputedHash) + ", stored "
                  + shortHash(c.storedHash)));
        }
        flagged.add(c.entryId);
      }
    }
    Checked prev = null;
    long expected = 1;
    for (Checked c : entries) {
      if (c.malformed != null) {
        continue;
      }
      if (prev != null && c.sequence == prev.sequence) {
        findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.DUPLICATE,
            "sequence " + c.sequence + " is also claimed by " + prev.entryId));
        flagged.add(c.entryId);
        continue;
      }
      if (c.sequence > expected) {
        String range = c.sequence - 1 == expected ? "sequence " + expected
            : "sequences " + expected + " to " + (c.sequence - 1);
        findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.MISSING,
            range + " missing before this entry" + (c.prevHash == null ? "" : ", which links to "
                + shortHash(c.prevHash) + (byHash.containsKey(c.prevHash) ? " (" + byHash.get(c.prevHash).entryId
                + ")" : " (no such entry)"))));
      } else if (!flagged.contains(c.entryId) && !Objects.equals(c.prevHash, prev == null ? null : prev.storedHash)
          && (prev == null || !flagged.contains(prev.entryId))) {
        Checked linked = c.prevHash == null ? null : byHash.get(c.prevHash);
        if (linked != null && linked != prev) {
          findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.REORDERED,
              "links to " + linked.entryId + " (sequence " + linked.sequence + ") instead of its predecessor "
                  + (prev == null ? "(none)" : prev.entryId)));
        } else if (prev != null && c.prevHash != null) {
          findings.add(new Finding(correlationId, prev.entryId, prev.sequence, Problem.EDITED,
              "its hash was rewritten: the next entry " + c.entryId + " links to " + shortHash(c.prevHash)
                  + ", it carries " + shortHash(prev.storedHash)));
        } else {
          findings.add(new Finding(correlationId, c.entryId, c.sequence, Problem.BROKEN_LINK,
              "prev_hash " + shortHash(c.prevHash) + " does not match the predecessor "
                  + (prev == null ? "(none: this is the first entry)" : prev.entryId)));
        }
      }
      expected = c.sequence + 1;
      prev = c;
    }
    List<Link> links = entries.stream()
        .map(c -> new Link(c.entryId, c.sequence, c.prevHash, c.storedHash, c.recomputedHash)).toList();
    findings.sort(Comparator.comparingLong(Finding::sequence).thenComparing(Finding::entryId));
    return new ChainReport(correlationId, links, findings);
  }

  /** The first 12 hex characters of a hash, or "none". */
  public static String shortHash(String hash) {
    return hash == null ? "none" : hash.substring(0, Math.min(12, hash.length()));
  }

  private static final class Checked {
    String entryId;
    long sequence;
    String prevHash;
    String storedHash;
    String recomputedHash;
    boolean redacted;
    String malformed;
    TimelineEntry entry;
  }

  private static Checked check(Map<String, Object> doc) {
    Checked c = new Checked();
    Object id = TimelineDocuments.path(doc, "glasswatch", "entry_id");
    Object eventId = TimelineDocuments.path(doc, "event", "id");
    c.entryId = id != null ? id.toString() : eventId != null ? eventId.toString() : "(no id)";
    Object seq = TimelineDocuments.path(doc, "glasswatch", "sequence");
    c.sequence = seq instanceof Number num ? num.longValue() : 0;
    c.prevHash = text(TimelineDocuments.path(doc, "glasswatch", "prev_hash"));
    c.storedHash = text(TimelineDocuments.path(doc, "glasswatch", "hash"));
    c.redacted = Boolean.TRUE.equals(TimelineDocuments.path(doc, "glasswatch", "details_redacted"));
    try {
      c.entry = TimelineDocuments.toEntry(doc);
      c.recomputedHash = Hashing.timelineHash(c.entry);
      if (c.storedHash == null) {
        c.malformed = "no glasswatch.hash";
      }
    } catch (RuntimeException e) {
      c.malformed = e.getMessage();
    }
    return c;
  }

  /** A sequence in 1..n other than the claimed one at which the entry hashes to its stored hash, or null. */
  private static Long sequenceThatMatches(Checked c, int n) {
    TimelineEntry copy = TimelineEntry.newBuilder(c.entry).build();
    for (long s = 1; s <= Math.max(n, c.sequence + 1); s++) {
      if (s == c.sequence) {
        continue;
      }
      copy.setSequence(s);
      if (Hashing.timelineHash(copy).equals(c.storedHash)) {
        return s;
      }
    }
    return null;
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }
}
