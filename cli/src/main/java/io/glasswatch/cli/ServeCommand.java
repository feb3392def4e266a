package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.IngestService;
import io.glasswatch.producers.ingest.common.IngestSettings;
import io.glasswatch.producers.kafka.KafkaSettings;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glasswatch serve}: loads the detection policy ({@code --policy FILE}, else the setting
 * {@code policy.file}, else the defaults) and prints its summary, registers the schemas, creates
 * missing topics, installs the timeline index template, then runs the chosen services until the
 * process is stopped (SIGINT/SIGTERM: every service stops once, newest first, and the exit status is
 * 0; see {@link StopSignal}). The chosen policy is the one every service applies: detection and the
 * on-call routing of its {@code routing:} section. An invalid policy file stops it before anything starts
 * (exit status 2, every problem listed). When any live ingest component is configured
 * ({@code ingest.*} keys, see {@code glasswatch ingest}), it runs in the same process from the same
 * configuration.
 */
@Command(name = "serve", description = "Run the streams app, alert delivery, revoke executor and Elasticsearch sink, and the live ingest when configured.")
public final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--services", split = ",", paramLabel = "NAME",
      description = "Services to run (default all): ${COMPLETION-CANDIDATES}")
  Set<Pipeline.Service> services = EnumSet.allOf(Pipeline.Service.class);

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Detection policy (YAML, see config/policy.yaml); wins over the setting policy.file.")
  Path policyFile;

  @Option(names = "--partitions", description = "Partitions of topics created here (default ${DEFAULT-VALUE}).")
  int partitions = TopicSetup.DEFAULT_PARTITIONS;

  @Override
  public Integer call() throws InterruptedException {
    // --policy FILE is the policy file of every service: detection, alert overrides, revoke deadline, routing
    GlasswatchSettings settings = policyFile == null ? config.settings()
        : config.settings().with(GlasswatchSettings.POLICY_FILE, policyFile.toString());
    PolicySource policy = PolicySource.load(policyFile, settings);
    boolean ingest = IngestSettings.from(settings).anyEnabled(); // validated before anything starts
    KafkaSettings.from(settings); // and every kafka.producer.* key
    System.out.println("glasswatch serve " + services + " with " + settings);
    System.out.println(policy.describe());
    new SchemaRegistrar(settings.get(GlasswatchSettings.REGISTRY_URL))
        .registerAll(io.glasswatch.schema.TopicNames.from(settings));
    TopicSetup.ensure(settings, partitions);
    if (services.contains(Pipeline.Service.SINK)) {
      TimelineIndexTemplate.install(settings);
    }
    try (ServiceGroup running = new ServiceGroup(System.out::println);
        StopSignal stop = StopSignal.install(running, "glasswatch-shutdown")) {
      running.add("pipeline", Pipeline.start(settings, policy, services, System.out, System.out::println));
      if (ingest) {
        running.add("live ingest", IngestService.start(settings, System.out::println));
      }
      System.out.println("running; stop with Ctrl-C or SIGTERM");
      System.out.println("stopping (" + stop.await() + ")");
    }
    return 0;
  }
}
