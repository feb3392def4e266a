package io.glasswatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.streams.errors.DeadLetterDeserializationHandler;
import io.glasswatch.streams.errors.DeadLetterProcessingHandler;
import io.glasswatch.streams.policy.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {
  @Test
  void buildsFromTheSharedSettings() {
    GlasswatchSettings shared = GlasswatchSettings.builder()
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, "kafka-1:9092,kafka-2:9092")
        .set(GlasswatchSettings.STREAMS_APP_ID, "glasswatch-prod")
        .set(GlasswatchSettings.STREAMS_STATE_DIR, "/var/lib/glasswatch")
        .build();

    StreamsSettings s = StreamsSettings.from(shared);

    assertThat(s.applicationId()).isEqualTo("glasswatch-prod");
    assertThat(s.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(s.stateDir()).isEqualTo(Path.of("/var/lib/glasswatch"));
    assertThat(s.policy()).isEqualTo(Policy.defaults());
    assertThat(s.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(s.numStandbyReplicas()).isZero();
    assertThat(s.replicationFactor()).isEqualTo(1);
    assertThat(s.topic("alerts")).isEqualTo("alerts");
  }

  @Test
  void theTopicPrefixSettingNamesEveryTopicOfTheApplication() {
    StreamsSettings s = StreamsSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.TOPIC_PREFIX, "it-a-").build());

    assertThat(s.topicPrefix()).isEqualTo("it-a-");
    assertThat(s.topic("alerts")).isEqualTo("it-a-alerts");
    assertThat(s.topics().all()).allMatch(t -> t.startsWith("it-a-"));
    assertThat(s.toProperties().get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("it-a-dead-letter");
  }

  @Test
  void configuresExactlyOnceAndTheDeadLetterHandlers() {
    Properties p = StreamsSettings.from(GlasswatchSettings.builder().build()).withTopicPrefix("t1-").toProperties();

    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("glasswatch");
    assertThat(p.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(DeadLetterDeserializationHandler.class);
    assertThat(p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG)).isEqualTo(DeadLetterProcessingHandler.class);
    assertThat(p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("t1-dead-letter");
    assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(1);
    assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(50L);
    assertThat(p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).as("tasks never wait for quiet partitions").isEqualTo(0L);
    assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(1);
    assertThat(p.get(StreamsConfig.producerPrefix("batch.size"))).isEqualTo(262144);
    assertThat(new StreamsConfig(p).getString(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo(".glasswatch/streams-state");
  }

  @Test
  void reportsEveryInvalidFieldAtOnce() {
    assertThatThrownBy(() -> new StreamsSettings("bad id", "nohost", null, null, -1, Duration.ZERO, "exactly_once",
        0, Duration.ofMillis(-1), "bad prefix"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(10));
  }

  @Test
  void deadlinesRunOnTheWallClockUnlessTheSettingsSayFalse() {
    assertThat(StreamsSettings.from(GlasswatchSettings.builder().build()).wallClockDeadlines()).isTrue();
    GlasswatchSettings replayLive = GlasswatchSettings.builder()
        .set(GlasswatchSettings.STREAMS_WALL_CLOCK_DEADLINES, "false").build();
    StreamsSettings s = StreamsSettings.from(replayLive);

    assertThat(s.wallClockDeadlines()).isFalse();
    assertThat(s.withApplicationId("x").withTopicPrefix("p-").wallClockDeadlines()).as("kept by copies").isFalse();
    assertThat(s.withWallClockDeadlines(true).wallClockDeadlines()).isTrue();
    assertThat(new StreamsSettings("a", "h:1", Path.of("d"), Policy.defaults(), 0, Duration.ofMillis(100),
        StreamsSettings.EXACTLY_ONCE_V2, 1, Duration.ZERO, "").wallClockDeadlines())
        .as("the constructor without the flag is for replay and tests").isFalse();
  }

  @Test
  void rejectsAWallClockSettingThatIsNotABoolean() {
    assertThatThrownBy(() -> GlasswatchSettings.builder().set(GlasswatchSettings.STREAMS_WALL_CLOCK_DEADLINES, "maybe")
        .build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly("streams.wall-clock-deadlines: expected true or false"));
    assertThat(GlasswatchSettings.envName(GlasswatchSettings.STREAMS_WALL_CLOCK_DEADLINES))
        .isEqualTo("GLASSWATCH_STREAMS_WALL_CLOCK_DEADLINES");
  }

  @Test
  void streamThreadsComeFromTheSettingsAndSurviveCopies() {
    StreamsSettings s = StreamsSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.STREAMS_THREADS, "2").build());

    assertThat(s.numStreamThreads()).isEqualTo(2);
    assertThat(s.withApplicationId("x").withTopicPrefix("p-").withWallClockDeadlines(false).numStreamThreads()).isEqualTo(2);
    assertThat(s.withNumStreamThreads(3).toProperties().get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
    assertThatThrownBy(() -> GlasswatchSettings.builder().set(GlasswatchSettings.STREAMS_THREADS, "0").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly("streams.num-stream-threads: expected a number of threads 1-99, got '0'"));
    assertThatThrownBy(() -> s.withNumStreamThreads(0)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("numStreamThreads");
  }

  @Test
  void theExpirySweeperComesFromTheRevokeSettingsAndSurvivesCopies() {
    assertThat(StreamsSettings.from(GlasswatchSettings.builder().build()).sweeper())
        .isEqualTo(io.glasswatch.streams.enforcement.SweeperSettings.DEFAULTS);
    StreamsSettings s = StreamsSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.REVOKE_SWEEPER, "false").set(GlasswatchSettings.REVOKE_SWEEPER_LOOKBACK, "90m").build());

    assertThat(s.sweeper().enabled()).isFalse();
    assertThat(s.sweeper().lookback()).isEqualTo(java.time.Duration.ofMinutes(90));
    assertThat(s.withApplicationId("x").withNumStreamThreads(2).withPolicy(s.policy()).sweeper()).isEqualTo(s.sweeper());
  }

  @Test
  void anInvalidSweeperSettingIsReportedWithItsKey() {
    GlasswatchSettings bad = GlasswatchSettings.builder()
        .set(GlasswatchSettings.REVOKE_SWEEPER, "sometimes").set(GlasswatchSettings.REVOKE_SWEEPER_LOOKBACK, "soon").build();
    assertThatThrownBy(() -> StreamsSettings.from(bad))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "revoke.sweeper.enabled: expected true or false, got 'sometimes'",
            "revoke.sweeper.lookback: expected a duration such as 24h, got 'soon'"));
  }

  @Test
  void theCommitIntervalComesFromTheSettingsAndIsValidated() {
    assertThat(StreamsSettings.from(GlasswatchSettings.builder().build()).commitInterval())
        .isEqualTo(java.time.Duration.ofMillis(50)).isEqualTo(StreamsSettings.DEFAULT_COMMIT_INTERVAL);
    assertThat(StreamsSettings.from(GlasswatchSettings.builder().set(GlasswatchSettings.STREAMS_COMMIT_INTERVAL, "100ms")
        .build()).toProperties().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
    assertThatThrownBy(() -> GlasswatchSettings.builder().set(GlasswatchSettings.STREAMS_COMMIT_INTERVAL, "soon").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly("streams.commit-interval: expected a duration such as 50ms, got 'soon'"));
    assertThatThrownBy(() -> GlasswatchSettings.builder().set(GlasswatchSettings.STREAMS_COMMIT_INTERVAL, "2m").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly("streams.commit-interval: expected a duration from 1ms to 60s, got '2m'"));
  }
}
