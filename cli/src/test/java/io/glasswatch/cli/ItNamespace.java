package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * What one cli integration test owns on the shared test stack, so that no test sees or resets another's
 * records: its own topic prefix ({@code kafka.topic-prefix}: every Glasswatch topic, the services'
 * consumer groups and the registry artifacts), its own streams application id (so its internal topics,
 * consumer group and state), its state directory and its own timeline index. All of them are new for
 * each run, so nothing is reset: the topics are created, the schemas registered under the prefixed
 * artifacts and the index template installed. Deadlines follow event time only, as in the demo.
 */
final class ItNamespace {
  private ItNamespace() {}

  /**
   * Prepares a new namespace for the test {@code name} (e.g. {@code investigator}) on the whole test
   * stack. Topics of earlier runs of the same test (same {@code it-<name>-} prefix) are deleted without
   * waiting; no other test's topic is touched.
   *
   * @param dir the test's temporary directory (the streams state goes under it)
   * @return the test's settings: topic prefix {@code it-<name>-<run>-}, application id
   *     {@code glasswatch-it-<name>-<run>}, timeline index {@code glasswatch-timeline-it-<name>-<run>}, where
   *     {@code <run>} is the start time in base 36
   */
  static GlasswatchSettings prepare(String name, Path dir) {
    String run = Long.toString(System.currentTimeMillis(), 36) + Long.toString(System.nanoTime() % 1296, 36);
    String prefix = "it-" + name + "-" + run + "-";
    GlasswatchSettings s = TestStack.settings(Component.values())
        .with(GlasswatchSettings.TOPIC_PREFIX, prefix)
        .with(GlasswatchSettings.STREAMS_APP_ID, "glasswatch-it-" + name + "-" + run)
        .with(GlasswatchSettings.STREAMS_STATE_DIR, dir.resolve("state").toString())
        .with(GlasswatchSettings.STREAMS_WALL_CLOCK_DEADLINES, "false")
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, "glasswatch-timeline-it-" + name + "-" + run);
    deleteEarlierRuns(s, "it-" + name + "-", prefix);
    TopicSetup.ensure(s, 3);
    new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL)).registerAll(TopicNames.from(s));
    TimelineIndexTemplate.install(s);
    return s;
  }

  /** Asks Kafka to delete the topics of earlier runs of one test; does not wait for them to go. */
  private static void deleteEarlierRuns(GlasswatchSettings s, String testPrefix, String current) {
    try (Admin admin = Admin.create(KafkaTestSupport.adminProperties(s))) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> old = names.stream().filter(t -> t.startsWith(testPrefix) && !t.startsWith(current)).toList();
      if (!old.isEmpty()) {
        admin.deleteTopics(old).all().get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      // leftovers of an earlier run only take space, they are never read: the test goes on
      System.err.println("ItNamespace: cannot delete the topics of earlier runs of " + testPrefix + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
