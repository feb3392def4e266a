package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.SchemaIncompatibleException;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Glasswatch's schemas in the real Apicurio Registry, under its BACKWARD compatibility rule. */
class SchemaRegistryIT {

  /** The Alert schema with one more field, given as its JSON definition. */
  private static Schema alertWithField(String fieldJson) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode schema = (ObjectNode) json.readTree(Alert.getClassSchema().toString());
    ((ArrayNode) schema.get("fields")).add(json.readTree(fieldJson));
    return new Schema.Parser().parse(schema.toString());
  }

  @Test
  void registersEveryTopicSchemaIdempotently() {
    GlasswatchSettings s = TestStack.settings(Component.REGISTRY);
    SchemaRegistrar registrar = new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL));
    var first = registrar.registerAll();
    var second = registrar.registerAll();
    assertThat(first.keySet()).containsExactlyInAnyOrderElementsOf(
        Topics.valueTypes().keySet().stream().map(t -> t + "-value").toList());
    assertThat(second).isEqualTo(first);
  }

  @Test
  void refusesAnIncompatibleChangeAndAcceptsAnAdditiveOne() throws Exception {
    GlasswatchSettings s = TestStack.settings(Component.REGISTRY);
    SchemaRegistrar registrar = new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL));
    registrar.ensureBackwardCompatibility();
    String artifact = KafkaTestSupport.uniqueTopic("alerts-compat") + "-value";
    registrar.register(artifact, Alert.getClassSchema());

    // A new required field without a default: new readers cannot read old alerts.
    Schema breaking = alertWithField("{\"name\":\"ticketUrl\",\"type\":\"string\"}");
    assertThatThrownBy(() -> registrar.register(artifact, breaking))
        .isInstanceOf(SchemaIncompatibleException.class)
        .hasMessageContaining(artifact);

    // The same field with a default is additive and accepted as a new version.
    Schema additive = alertWithField("{\"name\":\"ticketUrl\",\"type\":[\"null\",\"string\"],\"default\":null}");
    String version = registrar.register(artifact, additive);
    assertThat(version).isEqualTo("2");
  }
}
