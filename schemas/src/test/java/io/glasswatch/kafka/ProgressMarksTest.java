package io.glasswatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** {@link ProgressMarks}: one header-only tick per partition, read back with the partition it came through. */
class ProgressMarksTest {
  @Test
  void aSourceSendsOneTickPerPartitionTimestampedWithItsProgress() {
    List<ProducerRecord<String, Object>> marks = ProgressMarks.records("gateway-events", "ingest-http", 42_000L, 3);

    assertThat(marks).extracting(ProducerRecord::partition).containsExactly(0, 1, 2);
    assertThat(marks).allSatisfy(r -> {
      assertThat(r.value()).isNull();
      assertThat(r.timestamp()).isEqualTo(42_000L);
      assertThat(new String(r.headers().lastHeader(Topics.CLOCK_TICK_HEADER).value(), StandardCharsets.UTF_8))
          .as("older readers take it for a clock tick").isEqualTo("true");
      assertThat(ProgressMarks.read(r.headers(), r.partition(), r.timestamp()))
          .contains(new ProgressMarks.Mark("ingest-http", 42_000L, r.partition(), 3));
    });
  }

  @Test
  void aPlainTickOrAMalformedMarkIsNoMark() {
    RecordHeaders tick = new RecordHeaders();
    tick.add(Topics.CLOCK_TICK_HEADER, "true".getBytes(StandardCharsets.UTF_8));
    assertThat(ProgressMarks.read(tick, 0, 1L)).isEmpty();
    assertThat(ProgressMarks.read(null, 0, 1L)).isEmpty();
    assertThat(ProgressMarks.read(ProgressMarks.headers("gw", 2), 2, 1L)).as("partition outside the count").isEmpty();
    assertThat(ProgressMarks.read(ProgressMarks.headers("gw", 2), 1, -1L)).as("no timestamp").isEmpty();
    RecordHeaders badCount = new RecordHeaders();
    badCount.add(Topics.PROGRESS_SOURCE_HEADER, "gw".getBytes(StandardCharsets.UTF_8));
    badCount.add(Topics.PROGRESS_PARTITIONS_HEADER, "two".getBytes(StandardCharsets.UTF_8));
    assertThat(ProgressMarks.read(badCount, 0, 1L)).isEmpty();
  }

  @Test
  void aMarkNeedsASourceATimeAndPartitions() {
    assertThatThrownBy(() -> ProgressMarks.records("t", "", 1L, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProgressMarks.records("t", "gw", -1L, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProgressMarks.records("t", "gw", 1L, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
