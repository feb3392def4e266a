package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.kafka.ProduceReport;
import io.glasswatch.schema.SchemaRegistrar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glasswatch produce INPUT...}: reads and normalizes input files (SPEC section 1) and
 * produces them to the input topics with idempotent, {@code acks=all} producers. Rejected lines go
 * to the dead-letter topic and are listed on stderr. Exit 0 when every line was produced, 2 when
 * some input was rejected or unreadable, 1 on other failures.
 */
@Command(name = "produce", description = "Normalize input files and produce them to Kafka.")
public final class ProduceCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--sorted", description = "Produce in event-time order (as a replay through Kafka would).")
  boolean sorted;

  @Option(names = "--clock-tick", description = "Afterwards, advance stream time on every input partition to the latest event time.")
  boolean clockTick;

  @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Files or directories.")
  List<Path> inputs;

  @Override
  public Integer call() {
    for (Path p : inputs) {
      if (!Files.exists(p)) {
        System.err.println("glasswatch: " + p + ": no such file or directory");
        return 2;
      }
    }
    GlasswatchSettings settings = config.settings();
    new SchemaRegistrar(settings.get(GlasswatchSettings.REGISTRY_URL))
        .registerAll(io.glasswatch.schema.TopicNames.from(settings));
    TopicSetup.ensure(settings, TopicSetup.DEFAULT_PARTITIONS);
    try (EventProducer producer = new EventProducer(settings)) {
      ProduceReport report = sorted ? producer.produceSorted(inputs, System.err::println)
          : producer.produce(inputs, System.err::println);
      if (clockTick && report.maxEventTime() != null) {
        producer.produceClockTicks(report.maxEventTime());
      }
      report.rejections().forEach(r -> System.err.println("rejected: " + r));
      System.out.println(report.summary());
      return report.rejected() > 0 ? 2 : 0;
    }
  }
}
