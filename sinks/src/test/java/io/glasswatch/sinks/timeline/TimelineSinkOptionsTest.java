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
}
