package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.LocalStack;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options shared by every command: {@code --config FILE} (Java properties with
 * the keys of {@link GlasswatchSettings}) and {@code --set key=value}. Environment variables
 * {@code GLASSWATCH_*} apply between the file and {@code --set}. Credentials the local stack
 * generated ({@code <stack dir>/credentials.properties}) are read first, so a user of the local
 * stack never has to copy a password; a command pointed at the local stack uses its moto for IAM
 * Identity Center ({@link LocalStack#attach}), as the demo does, instead of recording revokes as
 * DRY_RUN.
 */
public final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (Java properties).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set one configuration key (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  /**
   * Builds the settings from defaults, the stack's credentials file, {@code --config}, the
   * environment and {@code --set}, in that order, then completes them for the local stack when they
   * point at it ({@link LocalStack#attach}).
   *
   * @throws io.glasswatch.config.ConfigException listing every invalid key
   */
  public GlasswatchSettings settings() {
    GlasswatchSettings.Builder b = GlasswatchSettings.builder();
    // The stack directory may itself be configured: resolve it before reading its credentials.
    if (configFile != null) {
      b.file(configFile);
    }
    b.environment(System.getenv()).setAll(overrides);
    Path creds = Path.of(b.peek(GlasswatchSettings.STACK_DIR)).resolve("credentials.properties");
    GlasswatchSettings.Builder full = GlasswatchSettings.builder().fileIfExists(creds);
    if (configFile != null) {
      full.file(configFile);
    }
    return LocalStack.attach(full.environment(System.getenv()).setAll(overrides).build());
  }
}
