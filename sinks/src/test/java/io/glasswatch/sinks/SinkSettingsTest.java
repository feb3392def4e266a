package io.glasswatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SinkSettingsTest {
  @Test
  void readsTheDefaultsOnce() {
    SinkSettings s = SinkSettings.from(GlasswatchSettings.builder().build());
    assertThat(s.elasticsearchUrl().toString()).isEqualTo("http://127.0.0.1:19200");
    assertThat(s.indexPrefix()).isEqualTo("glasswatch-timeline");
    assertThat(s.bulkDocuments()).isEqualTo(2000);
    assertThat(s.concurrentRequests()).isEqualTo(2);
    assertThat(s.flushInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.sink().username()).isEqualTo("glasswatch_sink");
  }

  @Test
  void reportsAnInvalidIndexPrefixWithItsExpectedForm() {
    GlasswatchSettings settings = GlasswatchSettings.builder().set(GlasswatchSettings.ES_TIMELINE_INDEX, "Glasswatch")
        .build();

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> SinkSettings.from(settings));

    assertThat(e.problems()).singleElement().asString()
        .isEqualTo(GlasswatchSettings.ES_TIMELINE_INDEX + ": expected a lower-case index prefix such as glasswatch-timeline, "
            + "got 'Glasswatch'");
  }

  @Test
  void masksThePasswords() {
    SinkSettings s = SinkSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.ES_SINK_PASSWORD, "sink-pass-123").set(GlasswatchSettings.ES_ADMIN_PASSWORD, "admin-pass-456")
        .build());
    assertThat(s.toString()).doesNotContain("sink-pass-123").doesNotContain("admin-pass-456").contains("glasswatch_sink:****");
    assertThat(s.sink().password()).isEqualTo("sink-pass-123");
  }
}
