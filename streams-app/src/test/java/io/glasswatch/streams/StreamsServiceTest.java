package io.glasswatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StreamsServiceTest {
  private final StreamsSettings settings = StreamsSettings.from(GlasswatchSettings.builder().build());

  @Test
  void runsTheGlasswatchTopology() {
    try (StreamsService service = new StreamsService(settings, AvroSerdes.embedded())) {
      assertThat(service.topology().describe().toString())
          .isEqualTo(GlasswatchTopology.build(settings, AvroSerdes.embedded()).describe().toString());
      assertThat(service.state()).isEqualTo(KafkaStreams.State.CREATED);
      assertThat(service.failure()).isNull();
    }
  }

  @Test
  void awaitingBeforeStartIsAnError() {
    try (StreamsService service = new StreamsService(settings, AvroSerdes.embedded())) {
      assertThatThrownBy(() -> service.awaitRunning(Duration.ofMillis(10)))
          .isInstanceOf(IllegalStateException.class).hasMessage("not started");
    }
  }
}
