package io.glasswatch.streams.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hash-chain checks shared by the timeline tests. */
public final class Chains {
  private Chains() {}

  /**
   * Recomputes every link, per correlation in list order: sequence 1..n, prevHash = the previous
   * entry's hash (null first), hash = {@link Hashing#timelineHash}.
   *
   * @param timeline entries as the topology wrote them
   * @throws AssertionError naming the first broken entry
   */
  public static void assertChainsVerify(List<TimelineEntry> timeline) {
    Map<String, List<TimelineEntry>> byCorrelation = new LinkedHashMap<>();
    timeline.forEach(e -> byCorrelation.computeIfAbsent(e.getCorrelationId(), k -> new ArrayList<>()).add(e));
    byCorrelation.forEach((correlation, entries) -> {
      String prev = null;
      for (int i = 0; i < entries.size(); i++) {
        TimelineEntry e = entries.get(i);
        assertThat(e.getSequence()).as("sequence in %s", correlation).isEqualTo(i + 1L);
        assertThat(e.getPrevHash()).as("prevHash of %s", e.getEntryId()).isEqualTo(prev);
        assertThat(e.getHash()).as("hash of %s", e.getEntryId()).isEqualTo(Hashing.timelineHash(e));
        prev = e.getHash();
      }
    });
  }
}
