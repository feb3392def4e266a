package io.glasswatch.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.schema.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimelineSinkOptionsTest {

  @Test
  void defaultsReadTheTimelineTopicInTheSinkGroup() {
    TimelineSinkOptions o = TimelineSinkOptions.defaults();
    assertThat(o.topic()).isEqualTo(Topics.TIMELINE);
    assertThat(o.deadLetterTopic()).isEqualTo(Topics.DEAD_LETTER);
    assertThat(o.groupId()).isEqualTo("glasswatch-timeline-sink");
  }

  @Test
  void backoffDoublesFromTheInitialDelayUpToTheCap() {
    TimelineSinkOptions o = TimelineSinkOptions.defaults().withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(o.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(o.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(o.backoff(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(o.backoff(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.backoff(1_000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void reportsEveryInvalidFieldAtOnce() {
    assertThatThrownBy(() -> new TimelineSinkOptions(" ", "dead-letter", "", 0, 10, Duration.ZERO, 0, 0,
        Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("topic:", "groupId:", "bulkMaxOperations:", "bulkMaxBytes:", "flushInterval:",
            "maxConcurrentRequests:", "maxInFlight:", "maxBackoff:");
  }

  @Test
  void theTuningComesFromTheSettings() {
    TimelineSinkOptions d = TimelineSinkOptions.from(io.glasswatch.config.GlasswatchSettings.builder().build());
    assertThat(d).isEqualTo(TimelineSinkOptions.defaults());
    assertThat(d.bulkMaxOperations()).isEqualTo(2000);

    TimelineSinkOptions o = TimelineSinkOptions.from(io.glasswatch.config.GlasswatchSettings.builder()
        .set(io.glasswatch.config.GlasswatchSettings.ES_SINK_BULK_DOCUMENTS, "500")
        .set(io.glasswatch.config.GlasswatchSettings.ES_SINK_CONCURRENT_REQUESTS, "4")
        .set(io.glasswatch.config.GlasswatchSettings.ES_SINK_FLUSH_INTERVAL, "50ms").build());
    assertThat(o.bulkMaxOperations()).isEqualTo(500);
    assertThat(o.maxConcurrentRequests()).isEqualTo(4);
    assertThat(o.flushInterval()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void theTopicPrefixNamesTheTopicsAndTheGroupOfTheSink() {
    TimelineSinkOptions o = TimelineSinkOptions.from(io.glasswatch.config.GlasswatchSettings.builder()
        .set(io.glasswatch.config.GlasswatchSettings.TOPIC_PREFIX, "it-a-").build());
    assertThat(o.topic()).isEqualTo("it-a-timeline");
    assertThat(o.deadLetterTopic()).isEqualTo("it-a-dead-letter");
    assertThat(o.groupId()).isEqualTo("it-a-glasswatch-timeline-sink");
  }

  @Test
  void invalidTuningSettingsAreReportedWithTheirKeys() {
    assertThatThrownBy(() -> io.glasswatch.config.GlasswatchSettings.builder()
        .set(io.glasswatch.config.GlasswatchSettings.ES_SINK_BULK_DOCUMENTS, "0")
        .set(io.glasswatch.config.GlasswatchSettings.ES_SINK_CONCURRENT_REQUESTS, "17")
        .set(io.glasswatch.config.GlasswatchSettings.ES_SINK_FLUSH_INTERVAL, "often").build())
        .isInstanceOfSatisfying(io.glasswatch.config.ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "elasticsearch.sink.bulk-documents: expected a number of documents 1-100000, got '0'",
            "elasticsearch.sink.concurrent-requests: expected a number of requests 1-16, got '17'",
            "elasticsearch.sink.flush-interval: expected a duration such as 200ms, got 'often'"));
  }
}
