package io.glasswatch.stack;

import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every {@code glasswatch} command takes (a picocli mixin), in one place for
 * the cli's commands and the report command: {@code --config FILE} (Java properties with the keys of
 * {@link GlasswatchSettings}) and {@code --set key=value}. Sources, later ones winning: the credentials
 * the local stack generated ({@code <stack dir>/credentials.properties}, so a user of the local stack
 * never copies a password), {@code --config}, the environment ({@code GLASSWATCH_*}), {@code --set}. A
 * command pointed at the local stack then uses its moto for IAM Identity Center ({@link LocalStack#attach}),
 * as the demo does, instead of recording revokes as DRY_RUN.
 */
public class SettingsOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (Java properties).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set one configuration key (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  /**
   * Builds the settings from the sources above, validated once (every invalid key at once), then
   * completes them for the local stack when they point at it ({@link LocalStack#attach}).
   *
   * @throws io.glasswatch.config.ConfigException listing every invalid key
   */
  public GlasswatchSettings settings() {
    return settings(System.getenv());
  }

  /**
   * As {@link #settings()}, with {@code env} as the environment.
   *
   * @param env environment variables ({@code GLASSWATCH_*} are read)
   * @throws io.glasswatch.config.ConfigException listing every invalid key
   */
  public GlasswatchSettings settings(Map<String, String> env) {
    GlasswatchSettings.Builder b = GlasswatchSettings.builder();
    // The stack directory may itself be configured: resolve it before reading its credentials.
    if (configFile != null) {
      b.file(configFile);
    }
    b.environment(env).setAll(overrides);
    Path creds = Path.of(b.peek(GlasswatchSettings.STACK_DIR)).resolve("credentials.properties");
    GlasswatchSettings.Builder full = GlasswatchSettings.builder().fileIfExists(creds);
    if (configFile != null) {
      full.file(configFile);
    }
    return LocalStack.attach(full.environment(env).setAll(overrides).build());
  }
}
