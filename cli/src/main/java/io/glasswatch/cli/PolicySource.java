package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.policy.PolicyFile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which detection policy a command applies, and where it came from: the {@code --policy FILE}
 * option, else the setting {@code policy.file} ({@link GlasswatchSettings#POLICY_FILE}, from
 * {@code --config}, {@code GLASSWATCH_POLICY_FILE} or {@code --set}), else
 * {@link Policy#defaults()}. The chosen file is the one every service of the command reads: detection
 * ({@link #policy()}) and on-call routing (its {@code routing:} section, {@link #file()}).
 *
 * @param policy the validated policy
 * @param origin the file it was read from, or {@code built-in defaults}
 * @param path the file it was read from, or null for the built-in defaults
 */
public record PolicySource(Policy policy, String origin, Path path) {
  /** The built-in defaults, from no file. */
  public static PolicySource defaults() {
    return new PolicySource(Policy.defaults(), "built-in defaults", null);
  }

  /**
   * Loads the policy of a command.
   *
   * @param option the {@code --policy} option, or null when not given
   * @param settings the command's settings, or null for a command that reads none ({@code replay})
   * @throws io.glasswatch.config.ConfigException when the file cannot be read or is invalid, listing
   *     every problem with the file, key path and line
   */
  public static PolicySource load(Path option, GlasswatchSettings settings) {
    Path file = option != null ? option
        : settings != null && settings.isSet(GlasswatchSettings.POLICY_FILE)
            ? Path.of(settings.get(GlasswatchSettings.POLICY_FILE)) : null;
    return file == null ? defaults() : new PolicySource(PolicyFile.load(file), file.toString(), file);
  }

  /** The file the policy was read from; empty for the built-in defaults. */
  public Optional<Path> file() {
    return Optional.ofNullable(path);
  }

  /** {@code policy from <origin>: Policy[...]}, the line commands print at start. */
  public String describe() {
    return "policy from " + origin + ": " + policy;
  }
}
