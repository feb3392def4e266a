package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.kibana.KibanaSavedObjects;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glasswatch kibana import --url URL} loads the timeline's data view and dashboards
 * ({@link KibanaSavedObjects}) through the Kibana saved objects API, replacing earlier versions;
 * {@code glasswatch kibana export --out FILE} writes the NDJSON for Kibana's own import screen.
 * Authentication: {@code --user} (default the Elasticsearch administrator
 * {@code elasticsearch.admin.username}) with the password from the environment variable
 * {@code GLASSWATCH_KIBANA_PASSWORD}, else {@code elasticsearch.admin.password}. Exit status 0 on
 * success, 1 when Kibana refuses the import or cannot be reached.
 */
@Command(name = "kibana", description = "Kibana saved objects of the timeline: import or export.",
    subcommands = {KibanaCommand.Import.class, KibanaCommand.Export.class})
public final class KibanaCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Prints usage. */
  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code glasswatch kibana import}. */
  @Command(name = "import", description = "Import the data view and dashboards (POST /api/saved_objects/_import?overwrite=true).")
  static final class Import implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL", description = "Kibana base URL, e.g. http://127.0.0.1:5601.")
    URI url;

    @Option(names = "--user", paramLabel = "NAME", description = "Kibana user (default elasticsearch.admin.username).")
    String user;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Request timeout (default ${DEFAULT-VALUE}).")
    int timeoutSeconds = 60;

    @Override
    public Integer call() {
      GlasswatchSettings settings = config.settings();
      String name = user != null ? user : settings.get(GlasswatchSettings.ES_ADMIN_USER);
      String env = System.getenv("GLASSWATCH_KIBANA_PASSWORD");
      String password = env != null ? env : settings.get(GlasswatchSettings.ES_ADMIN_PASSWORD);
      try {
        KibanaSavedObjects.ImportResult r = KibanaSavedObjects.importTo(url, name, password,
            KibanaSavedObjects.ndjson(), Duration.ofSeconds(timeoutSeconds));
        System.out.println("imported " + r.successCount() + " saved objects into " + url);
        return 0;
      } catch (KibanaSavedObjects.ImportException e) {
        spec.commandLine().getErr().println("glasswatch: " + e.getMessage());
        return 1;
      }
    }
  }

  /** {@code glasswatch kibana export}. */
  @Command(name = "export", description = "Write the saved objects NDJSON to a file.")
  static final class Export implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The NDJSON file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
      Files.writeString(out, KibanaSavedObjects.ndjson(), StandardCharsets.UTF_8);
      System.out.println("wrote " + KibanaSavedObjects.parse(KibanaSavedObjects.ndjson()).size()
          + " saved objects to " + out);
      return 0;
    }
  }
}
