package io.glasswatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import org.junit.jupiter.api.Test;

class TopicNamesTest {
  @Test
  void theDefaultPrefixLeavesEveryCatalogueNameAsItIs() {
    TopicNames names = TopicNames.from(GlasswatchSettings.builder().build());

    assertThat(names).isEqualTo(TopicNames.DEFAULT);
    assertThat(names.all()).isEqualTo(Topics.all());
    assertThat(names.valueTypes()).isEqualTo(Topics.valueTypes());
    assertThat(names.name(Topics.ALERTS)).isEqualTo("alerts");
    assertThat(names.group("glasswatch-revoker")).isEqualTo("glasswatch-revoker");
  }

  @Test
  void aPrefixGoesBeforeEveryTopicGroupAndValueType() {
    TopicNames names = TopicNames.from(GlasswatchSettings.builder().set(GlasswatchSettings.TOPIC_PREFIX, "it-a.").build());

    assertThat(names.name(Topics.TIMELINE)).isEqualTo("it-a.timeline");
    assertThat(names.group("glasswatch-alerts")).isEqualTo("it-a.glasswatch-alerts");
    assertThat(names.all()).hasSameSizeAs(Topics.all()).allMatch(t -> t.startsWith("it-a."));
    assertThat(names.valueTypes()).containsEntry("it-a.alerts", Alert.class).doesNotContainKey("alerts");
    assertThat(names.isCatalogueTopic("it-a.dead-letter")).isTrue();
    assertThat(names.isCatalogueTopic("dead-letter")).isFalse();
  }

  @Test
  void anIllegalPrefixIsReportedWithTheKeyBySettingsAndByTheRecord() {
    assertThatThrownBy(() -> GlasswatchSettings.builder().set(GlasswatchSettings.TOPIC_PREFIX, "a b/").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.topic-prefix");
    assertThatThrownBy(() -> new TopicNames("x".repeat(101)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.topic-prefix");
    assertThat(new TopicNames("x".repeat(100)).prefix()).hasSize(100);
  }
}
