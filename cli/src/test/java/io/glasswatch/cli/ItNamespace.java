package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.nio.file.Path;

/**
 * What one cli integration test owns on the shared test stack: its streams application id (so its
 * internal topics, consumer group and state), its state directory and its own timeline index; the
 * Glasswatch topics and the services' consumer groups are reset before it, then created, the schemas
 * registered and the index template installed. Deadlines follow event time only, as in the demo.
 */
final class ItNamespace {
  private ItNamespace() {}

  /**
   * Prepares the namespace {@code name} (e.g. {@code investigator}) on the whole test stack.
   *
   * @param dir the test's temporary directory (the streams state goes under it)
   * @return the test's settings: application id {@code glasswatch-<name>-it}, timeline index
   *     {@code glasswatch-timeline-<name>-it-<nanos>}
   */
  static GlasswatchSettings prepare(String name, Path dir) {
    String appId = "glasswatch-" + name + "-it";
    GlasswatchSettings s = TestStack.settings(Component.values())
        .with(GlasswatchSettings.STREAMS_APP_ID, appId)
        .with(GlasswatchSettings.STREAMS_STATE_DIR, dir.resolve("state").toString())
        .with(GlasswatchSettings.STREAMS_WALL_CLOCK_DEADLINES, "false")
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, "glasswatch-timeline-" + name + "-it-" + System.nanoTime());
    TopicSetup.reset(s, appId);
    TopicSetup.ensure(s, 3);
    new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL)).registerAll();
    TimelineIndexTemplate.install(s);
    return s;
  }
}
