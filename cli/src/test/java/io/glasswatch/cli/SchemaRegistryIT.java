package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.SchemaIncompatibleException;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
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

  /**
   * The previous version of {@code GatewayEvent} (before the break-glass systems' fields: source,
   * sourceEventType, evidenceOnly, auditChainStatus/Problem, errorPhase/Message), as it was released.
   * It names {@code AccountAssignment}, defined in its own file.
   */
  private static Schema previousGatewayEvent() throws Exception {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(AccountAssignment.getClassSchema().toString());
    try (var in = SchemaRegistryIT.class.getResourceAsStream("/schemas/GatewayEvent-0.1-before-sources.avsc")) {
      return parser.parse(in);
    }
  }

  @Test
  void registersTheExtendedGatewayEventOverThePreviousVersionRegisteredInline() throws Exception {
    GlasswatchSettings s = TestStack.settings(Component.REGISTRY);
    SchemaRegistrar registrar = new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL));
    registrar.ensureBackwardCompatibility();
    String artifact = KafkaTestSupport.uniqueTopic("gateway-compat") + "-value";
    Schema previous = previousGatewayEvent();
    assertThat(previous.getField("source")).as("the previous version has no source field").isNull();
    // as an earlier registrar or a hand-made registration left it: one self-contained document
    assertThat(postVersion(s, artifact, previous.toString(), null).statusCode()).isEqualTo(200);

    assertThat(registrar.register(artifact, GatewayEvent.getClassSchema())).isEqualTo("2");
    assertThat(registrar.register(artifact, GatewayEvent.getClassSchema())).as("idempotent").isEqualTo("2");
  }

  @Test
  void registersTheExtendedGatewayEventOverThePreviousVersionTheSerdeRegisteredWithReferences() throws Exception {
    GlasswatchSettings s = TestStack.settings(Component.REGISTRY);
    SchemaRegistrar registrar = new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL));
    registrar.ensureBackwardCompatibility();
    String artifact = KafkaTestSupport.uniqueTopic("gateway-refs") + "-value";
    // what the Apicurio serde's auto-registration writes for the previous version: AccountAssignment as an
    // artifact of its own, and GatewayEvent naming it with a reference
    String assignment = AccountAssignment.getClassSchema().getFullName();
    HttpResponse<String> ref = postVersion(s, assignment, AccountAssignment.getClassSchema().toString(), null);
    assertThat(ref.statusCode()).as(ref.body()).isEqualTo(200);
    String refVersion = new ObjectMapper().readTree(ref.body()).path("version").path("version").asText();
    HttpResponse<String> prev = postVersion(s, artifact,
        previousGatewayEvent().toString(List.of(AccountAssignment.getClassSchema()), false),
        "[{\"artifactId\":\"" + assignment + "\",\"version\":\"" + refVersion + "\",\"name\":\"" + assignment + "\"}]");
    assertThat(prev.statusCode()).as(prev.body()).isEqualTo(200);

    assertThat(registrar.register(artifact, GatewayEvent.getClassSchema())).isEqualTo("2");
    assertThat(registrar.register(artifact, GatewayEvent.getClassSchema())).as("idempotent").isEqualTo("2");
  }

  @Test
  void findsTheVersionTheSerdeRegisteredWhenItWroteTheFirstRecord() {
    GlasswatchSettings s = TestStack.settings(Component.REGISTRY);
    String topic = KafkaTestSupport.uniqueTopic("gateway-serde");
    GatewayEvent e = GatewayEvent.newBuilder().setType("request").setRequestId("REQ-1").setTimestamp(Instant.EPOCH)
        .setSourceDigest("0".repeat(64)).build();
    AvroSerdes.registry(s.get(GlasswatchSettings.REGISTRY_URL), true).value(GatewayEvent.class).serializer()
        .serialize(topic, e);
    SchemaRegistrar registrar = new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL));
    assertThat(registrar.register(topic + "-value", GatewayEvent.getClassSchema()))
        .as("the same schema in the same shape: no second version").isEqualTo("1");
  }

  @Test
  void aSchemaReferencesTheNamedTypesItsFieldsUse() {
    assertThat(SchemaRegistrar.namedTypesUsedBy(GatewayEvent.getClassSchema()))
        .extracting(Schema::getFullName).containsExactly(AccountAssignment.getClassSchema().getFullName());
    assertThat(SchemaRegistrar.namedTypesUsedBy(AccountAssignment.getClassSchema())).isEmpty();
  }

  /** POSTs one version the way a client other than the registrar would; {@code references} is a JSON array or null. */
  private static HttpResponse<String> postVersion(GlasswatchSettings s, String artifactId, String content,
      String references) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode req = json.createObjectNode();
    req.put("artifactId", artifactId);
    req.put("artifactType", "AVRO");
    ObjectNode c = req.putObject("firstVersion").putObject("content");
    c.put("content", content);
    c.put("contentType", "application/json");
    if (references != null) {
      c.set("references", json.readTree(references));
    }
    String base = s.get(GlasswatchSettings.REGISTRY_URL);
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + (base.endsWith("/") ? "" : "/")
            + "groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(req.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
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
