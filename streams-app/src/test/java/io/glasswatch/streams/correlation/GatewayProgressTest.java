package io.glasswatch.streams.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GatewayProgress}: a source's progress is the least of its partitions' latest marks. */
class GatewayProgressTest {
  private final GatewayProgress progress = new GatewayProgress();

  @Test
  void aSourceIsUnknownUntilEveryPartitionSentAMark() {
    assertThat(progress.observe(new SourceProgress("gw", 1_000, 0, 3))).as("partitions 1 and 2 still silent").isFalse();
    assertThat(progress.observe(new SourceProgress("gw", 2_000, 1, 3))).isFalse();
    assertThat(progress.of("gw")).isNull();

    assertThat(progress.observe(new SourceProgress("gw", 1_500, 2, 3))).isTrue();
    assertThat(progress.of("gw")).as("the least of 1000, 2000, 1500").isEqualTo(1_000L);
  }

  @Test
  void progressOnlyMovesForwardAndOnlyWithTheSlowestPartition() {
    progress.observe(new SourceProgress("gw", 1_000, 0, 2));
    progress.observe(new SourceProgress("gw", 1_000, 1, 2));

    assertThat(progress.observe(new SourceProgress("gw", 5_000, 0, 2))).as("partition 1 still at 1000").isFalse();
    assertThat(progress.observe(new SourceProgress("gw", 500, 1, 2))).as("an older mark moves nothing").isFalse();
    assertThat(progress.of("gw")).isEqualTo(1_000L);
    assertThat(progress.observe(new SourceProgress("gw", 3_000, 1, 2))).isTrue();
    assertThat(progress.of("gw")).isEqualTo(3_000L);
  }

  @Test
  void severalSourcesProgressTogetherAsTheSlowestOfThem() {
    progress.observe(new SourceProgress("ingest-http", 4_000, 0, 1));
    assertThat(progress.of(List.of("ingest-http", "jit-webhook"))).as("jit-webhook sent nothing").isNull();

    progress.observe(new SourceProgress("jit-webhook", 2_000, 0, 1));
    assertThat(progress.of(List.of("ingest-http", "jit-webhook"))).isEqualTo(2_000L);
    assertThat(progress.of(List.of("ingest-http"))).isEqualTo(4_000L);
  }

  @Test
  void aMarkWithAnotherPartitionCountStartsTheSourceAfresh() {
    progress.observe(new SourceProgress("gw", 9_000, 0, 1));
    progress.observe(new SourceProgress("gw", 10_000, 0, 2));

    assertThat(progress.of("gw")).as("the grown topic's partition 1 has sent nothing").isNull();
  }

  @Test
  void aMarkOutsideItsPartitionCountIsRefused() {
    assertThatThrownBy(() -> new SourceProgress("gw", 1, 2, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SourceProgress(" ", 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
