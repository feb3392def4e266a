package io.glasswatch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  @Test
  void nearestRankOnOneToHundred() {
    long[] values = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray(); // descending: order must not matter
    LatencyStats s = LatencyStats.of(values);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50Millis()).isEqualTo(50);
    assertThat(s.p99Millis()).isEqualTo(99);
    assertThat(s.maxMillis()).isEqualTo(100);
    assertThat(s.meanMillis()).isEqualTo(50.5);
    assertThat(values[0]).as("input untouched").isEqualTo(100);
  }

  @Test
  void p99OfTwoHundredIsTheSecondLargest() {
    long[] values = LongStream.rangeClosed(1, 200).toArray();
    values[199] = 5000; // one outlier: p99 = rank 198, not the outlier
    LatencyStats s = LatencyStats.of(values);
    assertThat(s.p99Millis()).isEqualTo(198);
    assertThat(s.maxMillis()).isEqualTo(5000);
    assertThat(s.p50Millis()).isEqualTo(100);
  }

  @Test
  void singleValueAndSmallSamples() {
    assertThat(LatencyStats.of(List.of(7L))).isEqualTo(new LatencyStats(1, 7, 7, 7, 7.0));
    LatencyStats three = LatencyStats.of(new long[] {30, 10, 20});
    assertThat(three.p50Millis()).isEqualTo(20);
    assertThat(three.p99Millis()).isEqualTo(30);
    assertThat(LatencyStats.percentile(new long[] {1, 2, 3, 4}, 25)).isEqualTo(1);
    assertThat(LatencyStats.percentile(new long[] {1, 2, 3, 4}, 100)).isEqualTo(4);
  }

  @Test
  void rejectsEmptySamplesAndBadPercentiles() {
    assertThatThrownBy(() -> LatencyStats.of(new long[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyStats.percentile(new long[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyStats.percentile(new long[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesAllFigures() {
    assertThat(LatencyStats.of(new long[] {10, 20}).describe())
        .isEqualTo("p50 10 ms, p99 20 ms, max 20 ms, mean 15.0 ms (n=2)");
  }
}
