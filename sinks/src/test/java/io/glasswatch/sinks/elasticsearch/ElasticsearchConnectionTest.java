package io.glasswatch.sinks.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import org.junit.jupiter.api.Test;

class ElasticsearchConnectionTest {

  @Test
  void neverShowsThePassword() {
    GlasswatchSettings settings = GlasswatchSettings.builder()
        .set(GlasswatchSettings.ES_SINK_USER, "glasswatch_sink")
        .set(GlasswatchSettings.ES_SINK_PASSWORD, "pa55-w0rd-sink")
        .build();
    try (ElasticsearchConnection c = ElasticsearchConnection.sink(settings)) {
      assertThat(c.user()).isEqualTo("glasswatch_sink");
      assertThat(c.toString()).contains("glasswatch_sink", "http://127.0.0.1:19200").doesNotContain("pa55-w0rd-sink");
    }
  }

  @Test
  void refusesAUrlThatIsNotHttp() {
    assertThatThrownBy(() -> new ElasticsearchConnection("ftp://example.org", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://example.org");
  }
}
