package io.glasswatch.report;

import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Large timelines for the benchmark: copies of the demo timeline (with revoke results), each copy's
 * correlations renamed ({@code <id>-c<k>}), shifted by {@code k} hours and hash-chained anew exactly
 * as the streams application chains entries, so every chain verifies.
 */
final class SyntheticTimeline {
  private SyntheticTimeline() {}

  /** The documents of copy {@code k} (628 documents a copy: every bundled scenario and its revoke results). */
  static List<Map<String, Object>> copy(Map<String, List<Map<String, Object>>> demoChains, int k) {
    List<Map<String, Object>> out = new ArrayList<>();
    Duration shift = Duration.ofHours(k);
    for (Map.Entry<String, List<Map<String, Object>>> chain : demoChains.entrySet()) {
      String id = chain.getKey() + "-c" + k;
      String prev = null;
      long seq = 0;
      for (Map<String, Object> doc : chain.getValue()) {
        TimelineEntry e = TimelineDocuments.toEntry(doc);
        e.setCorrelationId(id);
        if (e.getRequestId() != null) {
          e.setRequestId(e.getRequestId() + "-c" + k);
        }
        e.setEntryId(e.getEntryId() + "-c" + k);
        e.setTimestamp(e.getTimestamp().plus(shift));
        e.setSequence(++seq);
        e.setPrevHash(prev);
        e.setHash(null);
        e.setHash(Hashing.timelineHash(e));
        prev = e.getHash();
        out.add(TimelineDocuments.toDocument(e));
      }
    }
    return out;
  }
}
