package io.glasswatch.report;

import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every {@code glasswatch} command takes, for {@link ReportCommand}:
 * {@code --config FILE} (Java properties with the keys of {@link GlasswatchSettings}), then the
 * environment ({@code GLASSWATCH_*}), then {@code --set key=value}; the local stack's generated
 * credentials ({@code <stack dir>/credentials.properties}) are read first. Same precedence as the
 * cli's own options, so the command behaves like its siblings.
 */
public final class ReportConfigOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (Java properties).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set one configuration key (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  /**
   * The settings.
   *
   * @throws io.glasswatch.config.ConfigException listing every invalid key
   */
  public GlasswatchSettings settings() {
    GlasswatchSettings.Builder b = GlasswatchSettings.builder();
    if (configFile != null) {
      b.file(configFile);
    }
    b.environment(System.getenv()).setAll(overrides);
    Path creds = Path.of(b.peek(GlasswatchSettings.STACK_DIR)).resolve("credentials.properties");
    GlasswatchSettings.Builder full = GlasswatchSettings.builder().fileIfExists(creds);
    if (configFile != null) {
      full.file(configFile);
    }
    return full.environment(System.getenv()).setAll(overrides).build();
  }
}
