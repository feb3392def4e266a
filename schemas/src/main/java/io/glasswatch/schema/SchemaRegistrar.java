package io.glasswatch.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers Glasswatch's schemas in Apicurio Registry and makes the registry enforce BACKWARD
 * compatibility, so that a consumer on the new schema can always read data written with the old
 * one and an incompatible change is refused at registration, not discovered in production.
 *
 * <p>Uses the Apicurio Registry v3 REST API (www.apicur.io/registry/docs/apicurio-registry/3.x/
 * assets-attachments/registry-rest-api.htm): {@code POST /admin/rules} for the global
 * COMPATIBILITY rule and {@code POST /groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION} for
 * each topic's {@code <topic>-value} artifact, the artifact the Apicurio serde looks up by default.
 * Named types a schema uses are registered as artifacts of their own and referenced, exactly as the
 * serde registers them ({@link #register}).
 */
public final class SchemaRegistrar {
  /** Artifact group the Apicurio serdes use by default. */
  public static final String GROUP = "default";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistrar.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;

  /** @param registryUrl the registry's v3 API base, e.g. {@code http://127.0.0.1:18081/apis/registry/v3} */
  public SchemaRegistrar(String registryUrl) {
    this.base = URI.create(registryUrl.endsWith("/") ? registryUrl : registryUrl + "/");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Sets the global BACKWARD rule and registers the value schema of every Avro topic of
   * {@link Topics#valueTypes()}. Idempotent: an identical schema finds its existing version.
   *
   * @return artifact id to registry version, e.g. {@code alerts-value -> 1}
   * @throws SchemaIncompatibleException when a schema breaks compatibility with the registered one
   * @throws IllegalStateException when the registry cannot be reached or answers an error
   */
  public Map<String, String> registerAll() {
    return registerAll(TopicNames.DEFAULT);
  }

  /**
   * As {@link #registerAll()}, for the topics of {@code topics}: artifacts {@code <prefix><topic>-value}.
   *
   * @param topics the instance's topic names
   * @return artifact id to registry version
   * @throws SchemaIncompatibleException when a schema breaks compatibility with the registered one
   * @throws IllegalStateException when the registry cannot be reached or answers an error
   */
  public Map<String, String> registerAll(TopicNames topics) {
    ensureBackwardCompatibility();
    Map<String, String> versions = new LinkedHashMap<>();
    topics.valueTypes().forEach((topic, type) ->
        versions.put(topic + "-value", register(topic + "-value", schemaOf(type))));
    LOG.info("registered {} schemas with BACKWARD compatibility", versions.size());
    return versions;
  }

  /** Makes sure the registry-wide COMPATIBILITY rule exists and is BACKWARD. */
  public void ensureBackwardCompatibility() {
    String body = "{\"ruleType\":\"COMPATIBILITY\",\"config\":\"BACKWARD\"}";
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("admin/rules"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    if (r.statusCode() == 409) {
      r = send(HttpRequest.newBuilder(base.resolve("admin/rules/COMPATIBILITY"))
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("registry refused the BACKWARD compatibility rule: HTTP "
          + r.statusCode() + " " + r.body());
    }
  }

  /**
   * Registers {@code schema} as a version of {@code artifactId} in group {@link #GROUP}, or finds
   * the identical existing version.
   *
   * <p>The schema is registered the way the Apicurio Avro serde registers it when it writes a record
   * (its {@code AvroSchemaParser}): every named record or enum a field uses (directly, or inside a
   * union, array or map) is an artifact of its own, named by its full name (for example
   * {@code io.glasswatch.schema.AccountAssignment}), registered first, and the schema's content names it
   * and carries a reference to it. So a registry whose versions were written by the serde, with
   * references, compares and finds versions of the same shape, and the compatibility rule can resolve
   * the types of both the registered and the new version.
   *
   * @return the registry's version string
   * @throws SchemaIncompatibleException when the compatibility rule refuses the schema
   */
  public String register(String artifactId, Schema schema) {
    List<Reference> references = new ArrayList<>();
    for (Schema named : namedTypesUsedBy(schema)) {
      references.add(new Reference(named.getFullName(), register(named.getFullName(), named)));
    }
    List<Schema> referenced = namedTypesUsedBy(schema);
    return create(artifactId, referenced.isEmpty() ? schema.toString() : schema.toString(referenced, false), references);
  }

  /** A reference of an artifact version to the version of another artifact, named as the content names it. */
  private record Reference(String artifactId, String version) {}

  /**
   * The named records and enums the fields of {@code schema} use directly or inside a union, array or
   * map (not further down: those are the references of the referenced types), each once, in field order.
   * Empty for anything but a record.
   */
  public static List<Schema> namedTypesUsedBy(Schema schema) {
    Map<String, Schema> out = new LinkedHashMap<>();
    if (schema.getType() == Schema.Type.RECORD) {
      for (Schema.Field f : schema.getFields()) {
        collect(f.schema(), out);
      }
    }
    return new ArrayList<>(out.values());
  }

  private static void collect(Schema s, Map<String, Schema> out) {
    switch (s.getType()) {
      case RECORD, ENUM -> out.putIfAbsent(s.getFullName(), s);
      case UNION -> s.getTypes().forEach(t -> collect(t, out));
      case ARRAY -> collect(s.getElementType(), out);
      case MAP -> collect(s.getValueType(), out);
      default -> { }
    }
  }

  private String create(String artifactId, String content, List<Reference> references) {
    ObjectNode req = JSON.createObjectNode();
    req.put("artifactId", artifactId);
    req.put("artifactType", "AVRO");
    ObjectNode c = req.putObject("firstVersion").putObject("content");
    c.put("content", content);
    c.put("contentType", "application/json");
    if (!references.isEmpty()) {
      ArrayNode refs = c.putArray("references");
      for (Reference r : references) {
        // as the serde sends them: no group (the default group), the referenced artifact's id as the name
        refs.addObject().put("artifactId", r.artifactId()).put("version", r.version()).put("name", r.artifactId());
      }
    }
    URI uri = base.resolve("groups/" + URLEncoder.encode(GROUP, StandardCharsets.UTF_8)
        + "/artifacts?ifExists=FIND_OR_CREATE_VERSION");
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(req.toString())));
    if (r.statusCode() / 100 == 2) {
      try {
        JsonNode v = JSON.readTree(r.body()).path("version");
        return v.path("version").asText("?");
      } catch (IOException e) {
        return "?";
      }
    }
    if (r.body() != null && r.body().contains("RuleViolation")) {
      throw new SchemaIncompatibleException(artifactId, r.body());
    }
    throw new IllegalStateException("registry refused " + artifactId + ": HTTP " + r.statusCode()
        + " " + r.body());
  }

  /** The Avro schema of a generated record class. */
  public static Schema schemaOf(Class<? extends SpecificRecord> type) {
    return SpecificData.get().getSchema(type);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the schema registry at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to the schema registry", e);
    }
  }
}
