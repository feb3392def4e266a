package io.glasswatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.streams.correlation.GrantFact;
import io.glasswatch.streams.correlation.SourceProgress;
import org.junit.jupiter.api.Test;

/** The partitioner of {@code grant-facts}: marks to every partition, facts by key. */
class FactPartitionsTest {
  @Test
  void aProgressMarkGoesToEveryPartitionAndAGrantFactByItsKey() {
    GrantFact mark = GrantFact.progressMark(new SourceProgress("ingest-http", 5L, 1, 2));
    GrantFact fact = new GrantFact("req-1", "root", "111122223333", "alice", true, 1L, null, null, null,
        "req-1/grant/1", null, null);

    assertThat(GlasswatchTopology.factPartitions("t", "ingest-http", mark, 4)).hasValueSatisfying(
        s -> assertThat(s).containsExactlyInAnyOrder(0, 1, 2, 3));
    assertThat(GlasswatchTopology.factPartitions("t", "111122223333", fact, 4)).as("default partitioner").isEmpty();
  }
}
