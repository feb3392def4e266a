package io.glasswatch.sinks.kibana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KibanaSavedObjectsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<JsonNode> objects = KibanaSavedObjects.parse(KibanaSavedObjects.ndjson());

  @Test
  void everyLineIsAKibana8SavedObject() {
    String[] lines = KibanaSavedObjects.ndjson().split("\n");
    assertThat(objects).hasSize(lines.length).hasSizeGreaterThan(10);
    for (JsonNode o : objects) {
      assertThat(o.path("id").asText()).as("id").isNotBlank();
      assertThat(o.path("type").asText()).isIn("index-pattern", "lens", "dashboard");
      assertThat(o.path("coreMigrationVersion").asText()).startsWith("8.");
      assertThat(o.path("typeMigrationVersion").asText()).startsWith("8.");
      assertThat(o.path("attributes").path("title").asText()).as("title of " + o.path("id")).isNotBlank();
    }
    assertThat(objects.stream().map(o -> o.path("id").asText()).distinct()).hasSameSizeAs(objects);
  }

  @Test
  void everyReferenceResolvesToAnObjectOfTheFile() throws Exception {
    Set<String> present = new HashSet<>();
    objects.forEach(o -> present.add(o.path("type").asText() + "/" + o.path("id").asText()));
    int references = 0;
    for (JsonNode o : objects) {
      for (JsonNode ref : o.path("references")) {
        references++;
        assertThat(present).as("reference %s of %s", ref, o.path("id")).contains(ref.path("type").asText() + "/"
            + ref.path("id").asText());
      }
      if (o.path("type").asText().equals("lens")) {
        JsonNode layers = o.path("attributes").path("state").path("datasourceStates").path("formBased").path("layers");
        assertThat(layers.size()).isPositive();
        layers.fieldNames().forEachRemaining(layer -> assertThat(o.path("references").findValuesAsText("name"))
            .contains("indexpattern-datasource-layer-" + layer));
        for (JsonNode layer : layers) {
          layer.path("columnOrder").forEach(c -> assertThat(layer.path("columns").has(c.asText())).isTrue());
        }
      }
      if (o.path("type").asText().equals("dashboard")) {
        JsonNode panels = JSON.readTree(o.path("attributes").path("panelsJSON").asText());
        assertThat(panels.size()).isPositive();
        for (JsonNode p : panels) {
          String refName = p.path("panelIndex").asText() + ":" + p.path("panelRefName").asText();
          assertThat(o.path("references").findValuesAsText("name")).contains(refName);
        }
        JSON.readTree(o.path("attributes").path("optionsJSON").asText());
        JSON.readTree(o.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
      }
    }
    assertThat(references).isGreaterThan(10);
  }

  @Test
  void theDashboardsCoverWhatAnInvestigatorAsksFor() {
    List<String> titles = objects.stream().filter(o -> o.path("type").asText().equals("lens"))
        .map(o -> o.path("attributes").path("title").asText()).toList();
    assertThat(titles).contains("Break-glass activity over time", "Open and recently closed requests",
        "Alerts by type and severity", "Root activity by account: authorized vs not", "Time to revoke",
        "Rotation compliance by account", "AWS activity per request");
    assertThat(objects).filteredOn(o -> o.path("type").asText().equals("dashboard")).hasSize(3);
  }

  @Test
  void findsTheFieldsOfColumnsQueriesAndFilterColumns() {
    JsonNode root = objects.stream().filter(o -> o.path("id").asText().equals("glasswatch-root-activity-by-account"))
        .findFirst().orElseThrow();
    assertThat(KibanaSavedObjects.fieldsUsed(root))
        .containsExactlyInAnyOrder("glasswatch.details.rootActivity", "cloud.account.id", "glasswatch.request_id");
  }

  @Test
  void namesTheLineThatIsNotJson() {
    assertThatThrownBy(() -> KibanaSavedObjects.parse("{\"id\":\"a\"}\n\n{oops\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 3:");
    assertThatThrownBy(() -> KibanaSavedObjects.parse("[1]\n")).hasMessageStartingWith("line 1:");
  }
}
