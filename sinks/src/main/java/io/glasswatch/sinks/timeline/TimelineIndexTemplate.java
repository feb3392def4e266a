package io.glasswatch.sinks.timeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.SinkSettings;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The composable index template of the timeline indices {@code <prefix>-*}: one primary shard, no
 * replica, {@code dynamic: strict} mappings in ECS field names and types (ECS field reference:
 * www.elastic.co/guide/en/ecs/current/ecs-field-reference.html), {@code glasswatch.details} as a
 * {@code flattened} object. The JSON body is {@value #RESOURCE} beside this class; the name, index
 * pattern and priority are set here from the prefix.
 *
 * <p>Installing is an idempotent {@code PUT _index_template/<prefix>} (Elasticsearch API:
 * www.elastic.co/guide/en/elasticsearch/reference/current/indices-put-template.html) and needs an
 * administrator ({@code manage_index_templates}); the sink user cannot. The template applies to
 * indices created afterwards, so install it before the sink writes its first document.
 */
public final class TimelineIndexTemplate {
  /** Class-path resource (relative to this class) holding the template body. */
  public static final String RESOURCE = "timeline-index-template.json";

  private TimelineIndexTemplate() {}

  /**
   * Installs or replaces the template for the prefix in {@code settings}
   * ({@link GlasswatchSettings#ES_TIMELINE_INDEX}) as the administrator
   * ({@link GlasswatchSettings#ES_ADMIN_USER}).
   *
   * @throws ElasticsearchException when Elasticsearch refuses the template (e.g. 403 for a user
   *     without {@code manage_index_templates})
   * @throws UncheckedIOException when Elasticsearch cannot be reached
   */
  public static void install(GlasswatchSettings settings) {
    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(settings)) {
      install(admin.client(), SinkSettings.from(settings).indexPrefix());
    }
  }

  /**
   * Installs or replaces the template named {@code prefix} for indices {@code <prefix>-*}.
   *
   * @param client a client authenticated as a user allowed to manage index templates
   * @param prefix lower-case index prefix, e.g. {@code glasswatch-timeline}
   * @throws IllegalArgumentException when {@code prefix} is blank or not lower case
   * @throws ElasticsearchException when Elasticsearch refuses the template
   * @throws UncheckedIOException when Elasticsearch cannot be reached
   */
  public static void install(ElasticsearchClient client, String prefix) {
    if (prefix == null || prefix.isBlank() || !prefix.equals(prefix.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("expected a lower-case index prefix, got '" + prefix + "'");
    }
    try (InputStream body = new ByteArrayInputStream(json().getBytes(StandardCharsets.UTF_8))) {
      client.indices().putIndexTemplate(r -> r
          .withJson(body)
          .name(name(prefix))
          .indexPatterns(pattern(prefix))
          .priority(priority(prefix)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install index template " + name(prefix) + ": " + e.getMessage(), e);
    }
  }

  /** The template's name: the prefix itself. */
  public static String name(String prefix) {
    return prefix;
  }

  /** The template's index pattern, {@code <prefix>-*}. */
  public static String pattern(String prefix) {
    return prefix + "-*";
  }

  /**
   * The template's priority: 100 plus the prefix length, so that a longer prefix whose pattern
   * overlaps a shorter one's (e.g. {@code glasswatch-timeline-test-*} inside
   * {@code glasswatch-timeline-*}) wins instead of being refused as an equal-priority overlap.
   */
  public static long priority(String prefix) {
    return 100L + prefix.length();
  }

  /**
   * The template body as stored in {@value #RESOURCE} (without name, pattern and priority).
   *
   * @throws IllegalStateException when the resource is missing from the class path
   */
  public static String json() {
    try (InputStream in = TimelineIndexTemplate.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
