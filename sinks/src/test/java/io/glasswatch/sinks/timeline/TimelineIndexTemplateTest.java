package io.glasswatch.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineIndexTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode mappings() throws Exception {
    return JSON.readTree(TimelineIndexTemplate.json()).path("template").path("mappings");
  }

  @Test
  void isStrictWithOneShardAndNoReplica() throws Exception {
    JsonNode template = JSON.readTree(TimelineIndexTemplate.json()).path("template");
    assertThat(template.path("mappings").path("dynamic").asText()).isEqualTo("strict");
    assertThat(template.path("settings").path("index").path("number_of_shards").asInt()).isEqualTo(1);
    assertThat(template.path("settings").path("index").path("number_of_replicas").asInt()).isZero();
  }

  @Test
  void mapsEveryFieldADocumentCanHave() throws Exception {
    Map<String, Object> doc = TimelineDocuments.toDocument(TimelineEntries.fullAlert());
    List<String> missing = new ArrayList<>();
    walk(doc, mappings().path("properties"), "", missing);
    assertThat(missing).isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static void walk(Map<String, Object> doc, JsonNode properties, String prefix, List<String> missing) {
    doc.forEach((k, v) -> {
      JsonNode field = properties.path(k);
      if (field.isMissingNode()) {
        missing.add(prefix + k);
      } else if (v instanceof Map<?, ?> m && !"flattened".equals(field.path("type").asText())) {
        walk((Map<String, Object>) m, field.path("properties"), prefix + k + ".", missing);
      }
    });
  }

  @Test
  void usesEcsTypesForTypedFields() throws Exception {
    JsonNode p = mappings().path("properties");
    assertThat(p.at("/@timestamp/type").asText()).isEqualTo("date");
    assertThat(p.at("/source/properties/ip/type").asText()).isEqualTo("ip");
    assertThat(p.at("/source/properties/address/type").asText()).isEqualTo("keyword");
    assertThat(p.at("/event/properties/severity/type").asText()).isEqualTo("long");
    assertThat(p.at("/event/properties/kind/type").asText()).isEqualTo("keyword");
    assertThat(p.at("/cloud/properties/account/properties/id/type").asText()).isEqualTo("keyword");
    assertThat(p.at("/user/properties/name/type").asText()).isEqualTo("keyword");
    assertThat(p.at("/user_agent/properties/original/type").asText()).isEqualTo("keyword");
    assertThat(p.at("/message/type").asText()).isEqualTo("text");
    // full-text fields keep positions (phrase queries) but no norms: an audit record is filtered, not ranked
    assertThat(p.at("/message/norms").asBoolean(true)).isFalse();
    assertThat(p.at("/message/index_options").isMissingNode()).isTrue();
    assertThat(p.at("/user/properties/name/fields/text/norms").asBoolean(true)).isFalse();
    assertThat(p.at("/glasswatch/properties/sequence/type").asText()).isEqualTo("long");
    assertThat(p.at("/glasswatch/properties/details/type").asText()).isEqualTo("flattened");
    assertThat(p.at("/glasswatch/properties/correlation_id/type").asText()).isEqualTo("keyword");
  }

  @Test
  void derivesNamePatternAndAPriorityThatLetsLongerPrefixesWin() {
    assertThat(TimelineIndexTemplate.name("glasswatch-timeline")).isEqualTo("glasswatch-timeline");
    assertThat(TimelineIndexTemplate.pattern("glasswatch-timeline")).isEqualTo("glasswatch-timeline-*");
    assertThat(TimelineIndexTemplate.priority("glasswatch-timeline-test"))
        .isGreaterThan(TimelineIndexTemplate.priority("glasswatch-timeline"));
  }

  @Test
  void refusesAnUpperCaseOrBlankPrefixBeforeCallingElasticsearch() {
    assertThatThrownBy(() -> TimelineIndexTemplate.install(null, "Glasswatch"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> TimelineIndexTemplate.install(null, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
