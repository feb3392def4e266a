package io.glasswatch.sinks.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.mapping.FieldType;
import co.elastic.clients.elasticsearch.core.FieldCapsResponse;
import co.elastic.clients.elasticsearch.core.field_caps.FieldCapability;
import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import io.glasswatch.sinks.timeline.TimelineEntries;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every field a Kibana visualization uses exists in the real timeline mapping, checked with
 * {@code _field_caps} on the local Elasticsearch after the index template created an index.
 */
class KibanaFieldsIT {
  private static final Set<String> NUMERIC_OPERATIONS = Set.of("average", "median", "percentile", "sum");

  @Test
  void everyFieldOfEveryVisualizationIsInTheTimelineMappingWithTheRightCapabilities() throws Exception {
    String prefix = "glasswatch-timeline-kibana" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    GlasswatchSettings settings = TestStack.settings(Component.ELASTICSEARCH)
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, prefix);
    TimelineIndexTemplate.install(settings);
    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(settings)) {
      ElasticsearchClient c = admin.client();
      var entry = TimelineEntries.fullAlert();
      String index = TimelineDocuments.indexName(prefix, entry);
      c.create(r -> r.index(index).id(entry.getEntryId()).document(TimelineDocuments.toDocument(entry)));
      try {
        FieldCapsResponse caps = c.fieldCaps(f -> f.index(prefix + "-*").fields("*"));
        Map<String, Map<String, FieldCapability>> fields = caps.fields();
        Map<String, String> problems = new LinkedHashMap<>();
        int checked = 0;
        for (JsonNode o : KibanaSavedObjects.parse(KibanaSavedObjects.ndjson())) {
          if (o.path("type").asText().equals("index-pattern")) {
            assertThat(fields).containsKey(o.path("attributes").path("timeFieldName").asText());
            continue;
          }
          if (!o.path("type").asText().equals("lens")) {
            continue;
          }
          for (String field : KibanaSavedObjects.fieldsUsed(o)) {
            checked++;
            if (!fields.containsKey(field) && !insideFlattened(field, fields)) {
              problems.put(o.path("id").asText() + " " + field, "not in the mapping");
            }
          }
          for (JsonNode layer : o.path("attributes").path("state").path("datasourceStates").path("formBased").path("layers")) {
            for (JsonNode col : layer.path("columns")) {
              String field = col.path("sourceField").asText("");
              if (field.isEmpty() || field.equals("___records___") || !fields.containsKey(field)) {
                continue;
              }
              FieldCapability cap = fields.get(field).values().iterator().next();
              if (!cap.aggregatable()) {
                problems.put(o.path("id").asText() + " " + field, "not aggregatable");
              }
              if (NUMERIC_OPERATIONS.contains(col.path("operationType").asText())
                  && !List.of("long", "integer", "double", "float", "scaled_float").contains(cap.type())) {
                problems.put(o.path("id").asText() + " " + field, "not numeric but " + cap.type());
              }
              if (col.path("operationType").asText().equals("date_histogram") && !cap.type().equals("date")) {
                problems.put(o.path("id").asText() + " " + field, "not a date");
              }
            }
          }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThan(15);
        // the exact hashed details are kept but neither searchable nor aggregatable
        FieldCapability detailsJson = fields.get("glasswatch.details_json").values().iterator().next();
        assertThat(detailsJson.searchable()).isFalse();
        assertThat(detailsJson.aggregatable()).isFalse();
      } finally {
        List<String> indices = new ArrayList<>(c.indices().get(g -> g.index(prefix + "-*")).result().keySet());
        c.indices().delete(d -> d.index(indices));
        c.indices().deleteIndexTemplate(d -> d.name(prefix));
      }
    }
  }

  /** Whether {@code field} is a key inside a {@code flattened} field of the mapping (which field_caps lists as one). */
  private static boolean insideFlattened(String field, Map<String, Map<String, FieldCapability>> fields) {
    for (int i = field.lastIndexOf('.'); i > 0; i = field.lastIndexOf('.', i - 1)) {
      Map<String, FieldCapability> parent = fields.get(field.substring(0, i));
      if (parent != null) {
        return parent.containsKey(FieldType.Flattened.jsonValue());
      }
    }
    return false;
  }
}
