package io.glasswatch.cli;

import io.glasswatch.cli.config.CliSettings;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.SettingsOptions;
import java.util.Map;

/**
 * The configuration options shared by every command, {@code --config FILE} and {@code --set key=value}:
 * {@link SettingsOptions}, which the report command takes too, so that every command reads its settings
 * the same way (the local stack's credentials, the file, the environment, {@code --set}; then
 * {@link io.glasswatch.stack.LocalStack#attach} for a command pointed at the local stack). The cli's own
 * keys are validated here, once, as the command starts ({@link CliSettings}).
 */
public final class ConfigOptions extends SettingsOptions {
  /**
   * The settings, with the cli's own keys validated ({@link CliSettings#from}).
   *
   * @throws io.glasswatch.config.ConfigException listing every invalid key at once
   */
  @Override
  public GlasswatchSettings settings(Map<String, String> env) {
    GlasswatchSettings s = super.settings(env);
    CliSettings.from(s);
    return s;
  }
}
