package io.glasswatch.benchmarks;

import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.stack.LocalStack;
import io.glasswatch.stack.StackSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The start-up shared by the latency benchmarks that run the revoke executor against moto
 * ({@link RevokeLatencyBenchmark}, {@link ContainmentLatencyBenchmark}, {@link RootLatencyBenchmark}):
 * their own Kafka, Apicurio Registry and moto from the local stack ({@link OwnStack}), the schemas and
 * run-prefixed topics, and the {@link RevokeService} options on those topics.
 */
final class LatencyStack {
  /** Partitions of every benchmark topic. */
  static final int PARTITIONS = 3;

  private LatencyStack() {}

  /**
   * Runs {@code body} on a stack of Kafka, Apicurio Registry and moto under {@code <workDir>/stack}, as
   * {@link OwnStack#run} does (components started here are stopped at the end unless {@code keep}).
   *
   * @param workDir the benchmark's work directory
   * @param kafkaPort Kafka's port (its controller uses port + 1)
   * @param registryPort the registry's port (management uses port + 1)
   * @param motoPort moto's port
   * @param elasticsearchPort a free port for the stack's (unused) Elasticsearch setting, so the benchmark's
   *     stack never names the default stack's
   * @param keep leave the components started here running
   * @param out where progress goes
   * @param body the benchmark, given the stack's settings ({@code aws.sso-admin.endpoint} is moto)
   * @return what {@code body} returns
   * @throws IllegalStateException when moto does not run after start-up (moto_server not installed)
   * @throws Exception what starting the stack or {@code body} throws
   */
  static <T> T run(Path workDir, int kafkaPort, int registryPort, int motoPort, int elasticsearchPort, boolean keep,
      PrintStream out, OwnStack.Body<T> body) throws Exception {
    GlasswatchSettings base = StackSettings.localOnPorts(workDir.resolve("stack"), kafkaPort, registryPort,
        elasticsearchPort, motoPort).build();
    return OwnStack.run(new LocalStack(base), EnumSet.of(Component.KAFKA, Component.REGISTRY, Component.MOTO), keep, out,
        (stack, settings) -> {
          if (!settings.isSet(GlasswatchSettings.SSO_ENDPOINT)) {
            throw new IllegalStateException("moto is not running on port " + motoPort + " (is moto_server installed?)");
          }
          return body.run(stack, settings);
        });
  }

  /**
   * Registers every Glasswatch schema in the stack's registry and creates {@code topics} with
   * {@value #PARTITIONS} partitions and replication factor 1.
   *
   * @param settings the stack's settings (bootstrap servers, registry URL)
   * @param topics full topic names, run prefix included
   * @throws Exception when the registry refuses a schema or Kafka does not create the topics within 60 s
   */
  static void createTopics(GlasswatchSettings settings, Collection<String> topics) throws Exception {
    new SchemaRegistrar(settings.get(GlasswatchSettings.REGISTRY_URL)).registerAll();
    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    try (Admin admin = Admin.create(adminProps)) {
      admin.createTopics(topics.stream().map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList())
          .all().get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * The revoke executor's production options on the run's topics: {@code <prefix>revoke-commands},
   * {@code <prefix>revoke-results}, {@code <prefix>dead-letter}, {@code <prefix>alerts} and group
   * {@code <prefix>glasswatch-revoker} (callers add parallelism or the resolutions topic as they need).
   *
   * @param prefix the run's topic prefix
   * @return the options
   */
  static RevokeService.Options revokeOptions(String prefix) {
    return RevokeService.Options.defaults()
        .withTopics(prefix + Topics.REVOKE_COMMANDS, prefix + Topics.REVOKE_RESULTS, prefix + Topics.DEAD_LETTER)
        .withAlertsTopic(prefix + Topics.ALERTS).withGroupId(prefix + RevokeService.GROUP_ID);
  }
}
