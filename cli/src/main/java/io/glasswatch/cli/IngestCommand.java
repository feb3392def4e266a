package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.IngestService;
import io.glasswatch.producers.ingest.common.IngestSettings;
import io.glasswatch.producers.kafka.KafkaSettings;
import io.glasswatch.schema.SchemaRegistrar;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glasswatch ingest}: runs the live ingest components configured by the {@code ingest.*} keys
 * (HTTP endpoint, CloudTrail and GuardDuty pollers, CloudTrail log directory watcher, JSON-lines
 * tailers; see {@link io.glasswatch.producers.ingest.common.IngestSettings}) until the process is stopped
 * (SIGINT/SIGTERM, exit status 0; see {@link StopSignal}). Registers the schemas and creates missing topics first. Exit 2 for an invalid
 * configuration (every problem listed), 1 when nothing is configured or Kafka cannot be reached.
 * {@code glasswatch serve} starts the same components next to the pipeline services when any is
 * configured.
 */
@Command(name = "ingest", description = "Run the live ingest: HTTP endpoint, AWS pollers, log watchers (ingest.* settings).")
public final class IngestCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--partitions", description = "Partitions of topics created here (default ${DEFAULT-VALUE}).")
  int partitions = TopicSetup.DEFAULT_PARTITIONS;

  @Override
  public Integer call() throws InterruptedException {
    GlasswatchSettings settings = config.settings();
    IngestSettings.from(settings); // every invalid key reported before anything starts
    KafkaSettings.from(settings); // and every kafka.producer.* key
    new SchemaRegistrar(settings.get(GlasswatchSettings.REGISTRY_URL))
        .registerAll(io.glasswatch.schema.TopicNames.from(settings));
    TopicSetup.ensure(settings, partitions);
    try (ServiceGroup running = new ServiceGroup(System.out::println);
        StopSignal stop = StopSignal.install(running, "glasswatch-ingest-shutdown")) {
      running.add("live ingest", IngestService.start(settings, System.out::println));
      System.out.println("ingesting; stop with Ctrl-C or SIGTERM");
      System.out.println("stopping (" + stop.await() + ")");
    }
    return 0;
  }
}
