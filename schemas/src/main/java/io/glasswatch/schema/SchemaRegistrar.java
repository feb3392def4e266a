package io.glasswatch.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
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
   * @return the registry's version string
   * @throws SchemaIncompatibleException when the compatibility rule refuses the schema
   */
  public String register(String artifactId, Schema schema) {
    ObjectNode req = JSON.createObjectNode();
    req.put("artifactId", artifactId);
    req.put("artifactType", "AVRO");
    ObjectNode content = req.putObject("firstVersion").putObject("content");
    content.put("content", schema.toString());
    content.put("contentType", "application/json");
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
