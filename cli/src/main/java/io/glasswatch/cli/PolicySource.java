package io.glasswatch.cli;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.policy.PolicyFile;
import java.nio.file.Path;

/**
 * Which detection policy a command applies, and where it came from: the {@code --policy FILE}
 * option, else the setting {@code policy.file} ({@link GlasswatchSettings#POLICY_FILE}, from
 * {@code --config}, {@code GLASSWATCH_POLICY_FILE} or {@code --set}), else
 * {@link Policy#defaults()}.
 *
 * @param policy the validated policy
 * @param origin the file it was read from, or {@code built-in defaults}
 */
public record PolicySource(Policy policy, String origin) {
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
    return file == null
        ? new PolicySource(Policy.defaults(), "built-in defaults")
        : new PolicySource(PolicyFile.load(file), file.toString());
  }

  /** {@code policy from <origin>: Policy[...]}, the line commands print at start. */
  public String describe() {
    return "policy from " + origin + ": " + policy;
  }
}
