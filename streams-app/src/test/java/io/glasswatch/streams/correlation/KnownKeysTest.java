package io.glasswatch.streams.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Bloom filter in front of the de-duplication stores: no false negatives, rebuilt when full. */
class KnownKeysTest {
  private final Set<String> stored = new LinkedHashSet<>();

  private KnownKeys filter(long minCapacity, long estimate) {
    return new KnownKeys(minCapacity, () -> estimate, key -> stored.forEach(key));
  }

  @Test
  void containsEveryStoredKeyAndFewOthers() {
    IntStream.range(0, 5_000).forEach(i -> stored.add("ct-" + i));

    KnownKeys k = filter(10_000, stored.size());

    assertThat(stored).allMatch(k::mightContain);
    long falsePositives = IntStream.range(0, 10_000).filter(i -> k.mightContain("new-" + i)).count();
    assertThat(falsePositives).as("false positives of 10,000 new keys at 1%").isLessThan(300);
    assertThat(k.builds()).isEqualTo(1);
    assertThat(k.capacity()).isEqualTo(10_000);
  }

  @Test
  void everyAddedKeyIsContainedAcrossRebuilds() {
    KnownKeys k = filter(100, 0);
    for (int i = 0; i < 1_000; i++) {
      String key = "ct-" + i;
      k.add(key); // added before it is written, as InputDedup does
      stored.add(key);
      assertThat(k.mightContain(key)).isTrue();
    }
    assertThat(stored).allMatch(k::mightContain);
    assertThat(k.builds()).as("rebuilt each time it filled up").isGreaterThan(3);
    assertThat(k.capacity()).isGreaterThanOrEqualTo(2 * 500);
  }

  @Test
  void aRebuildAfterThePurgeForgetsDeletedKeysAndShrinks() {
    IntStream.range(0, 2_000).forEach(i -> stored.add("old-" + i));
    KnownKeys k = filter(100, stored.size());
    assertThat(k.capacity()).isEqualTo(4_000);
    stored.clear(); // the retention purge deleted them

    for (int i = 0; k.builds() == 1 && i < 3_000; i++) { // fills the room left, so the filter is rebuilt
      k.add("new-" + i);
      stored.add("new-" + i);
    }

    assertThat(k.builds()).isEqualTo(2);
    long remembered = IntStream.range(0, 2_000).filter(i -> k.mightContain("old-" + i)).count();
    assertThat(remembered).as("purged keys still answered 'maybe'").isLessThan(100);
    assertThat(stored).allMatch(k::mightContain);
  }

  @Test
  void addSaysWhetherTheKeyWasCertainlyAbsent() {
    stored.add("ct-stored");
    KnownKeys k = filter(1_000, 1);

    assertThat(k.add("ct-new")).as("in neither filter nor stores").isTrue();
    assertThat(k.add("ct-new")).as("added before").isFalse();
    assertThat(k.add("ct-stored")).as("in a store").isFalse();
    assertThat(k.mightContain("ct-new")).isTrue();
  }

  @Test
  void anEstimateFarBelowTheKeysFoundGetsASecondScan() {
    IntStream.range(0, 3_000).forEach(i -> stored.add("ct-" + i));

    KnownKeys k = filter(100, 10);

    assertThat(k.capacity()).as("room for twice the keys found, not the estimate").isEqualTo(6_000);
    assertThat(stored).allMatch(k::mightContain);
  }

  @Test
  void aCapacityBelowOneIsRefused() {
    assertThatThrownBy(() -> filter(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minCapacity");
  }
}
