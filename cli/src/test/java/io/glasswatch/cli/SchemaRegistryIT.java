package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.SchemaIncompatibleException;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** Glasswatch's schemas in the real Apicurio Registry, under its BACKWARD compatibility rule. */
class SchemaRegistryIT {

  private static Schema alertWith(SchemaBuilder.FieldAssembler<Schema> extra) {
    return extra.endRecord();
  }

  private static SchemaBuilder.FieldAssembler<Schema> alertFields() {
    // The Alert schema as registered, rebuilt field by field so that a test can add one.
    SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("Alert").namespace("io.glasswatch.schema").fields();
    for (Schema.Field field : Alert.getClassSchema().getFields()) {
      var typed = f.name(field.name()).doc(field.doc()).type(field.schema());
      f = field.hasDefaultValue() ? typed.withDefault(field.defaultVal()) : typed.noDefault();
    }
    return f;
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
  void refusesAnIncompatibleChangeAndAcceptsAnAdditiveOne() {
    GlasswatchSettings s = TestStack.settings(Component.REGISTRY);
    SchemaRegistrar registrar = new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL));
    registrar.ensureBackwardCompatibility();
    String artifact = KafkaTestSupport.uniqueTopic("alerts-compat") + "-value";
    registrar.register(artifact, Alert.getClassSchema());

    // A new required field without a default: new readers cannot read old alerts.
    Schema breaking = alertWith(alertFields().name("ticketUrl").type().stringType().noDefault());
    assertThatThrownBy(() -> registrar.register(artifact, breaking))
        .isInstanceOf(SchemaIncompatibleException.class)
        .hasMessageContaining(artifact);

    // The same field with a default is additive and accepted as a new version.
    Schema additive = alertWith(alertFields().name("ticketUrl").type().optional().stringType());
    String version = registrar.register(artifact, additive);
    assertThat(version).isEqualTo("2");
  }
}
