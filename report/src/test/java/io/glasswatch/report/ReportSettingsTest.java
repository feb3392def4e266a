package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReportSettings}: the report's keys read once, every problem at once, the password masked. */
class ReportSettingsTest {
  @TempDir Path dir;

  @Test
  void readsTheReaderUserTheIndexAndThePolicyOptionBeforeTheSetting() throws Exception {
    Path option = Files.writeString(dir.resolve("option.yaml"), "rotationDeadline: 4h\n");
    Path setting = Files.writeString(dir.resolve("setting.yaml"), "rotationDeadline: 8h\n");
    GlasswatchSettings s = GlasswatchSettings.builder()
        .set(GlasswatchSettings.ES_READER_PASSWORD, "reader-s3cret")
        .set(GlasswatchSettings.POLICY_FILE, setting.toString()).build();

    ReportSettings r = ReportSettings.from(s, option);

    assertThat(r.readerUser()).isEqualTo("glasswatch_reader");
    assertThat(r.indexPrefix()).isEqualTo("glasswatch-timeline");
    assertThat(r.policyFile()).contains(option);
    assertThat(ReportSettings.from(s, null).policyFile()).contains(setting);
    assertThat(ReportSettings.from(GlasswatchSettings.builder().build(), null).policyFile()).isEmpty();
    assertThat(r.toString()).contains("readerPassword=****").doesNotContain("reader-s3cret");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    GlasswatchSettings s = GlasswatchSettings.builder()
        .set(GlasswatchSettings.ES_TIMELINE_INDEX, "Timeline").build();

    assertThatThrownBy(() -> ReportSettings.from(s, dir.resolve("missing.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
            .anyMatch(p -> p.startsWith("--policy: expected a readable policy file"))
            .anyMatch(p -> p.startsWith(GlasswatchSettings.ES_TIMELINE_INDEX + ": expected a lower-case index prefix")));
  }
}
