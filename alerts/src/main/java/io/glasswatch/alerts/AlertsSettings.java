package io.glasswatch.alerts;

import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.alerts.enforcement.RevokeSettings;
import io.glasswatch.alerts.oncall.OnCallDispatcher;
import io.glasswatch.alerts.oncall.ChannelSettings;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.TopicNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The alerts module's settings, built once from {@link GlasswatchSettings} at start-up and
 * validated as a whole: every problem (an invalid {@code revoke.*}, {@code aws.*} or
 * {@code alerts.*} key, an invalid alert override or {@code revokeDeadline} in the policy file) is
 * reported at once in one {@link ConfigException}, each naming the key and the expected form.
 * Immutable; secrets (webhook secret, routing key, chat webhook URLs, SMTP password) are masked in
 * {@link #toString()}.
 *
 * @param policyFile {@code policy.file}: the policy file (alert overrides, revoke deadline, routing), when set
 * @param policy the policy file's alert overrides and revoke deadlines ({@link PolicyAlerts#defaults()} without one)
 * @param revoke the revoke executor's settings
 * @param channels the on-call channels configured
 * @param topics {@code kafka.topic-prefix}: the topics and consumer groups of the on-call dispatcher and
 *     the revoke executor ({@link #dispatcherOptions()}, {@link #revokeOptions()})
 */
public record AlertsSettings(Optional<Path> policyFile, PolicyAlerts policy, RevokeSettings revoke,
    ChannelSettings channels, TopicNames topics) {

  /** The on-call dispatcher's production options on {@link #topics()}. */
  public OnCallDispatcher.Options dispatcherOptions() {
    return OnCallDispatcher.Options.defaults(topics);
  }

  /** The revoke executor's production options on {@link #topics()}, with {@code revoke.parallelism}. */
  public RevokeService.Options revokeOptions() {
    return RevokeService.Options.defaults(topics).withParallelism(revoke.parallelism());
  }

  /**
   * Reads and validates.
   *
   * @param settings the settings
   * @return the alerts settings
   * @throws ConfigException listing every problem, sorted
   */
  public static AlertsSettings from(GlasswatchSettings settings) {
    List<String> problems = new ArrayList<>();
    Optional<Path> file = settings.isSet(GlasswatchSettings.POLICY_FILE)
        ? Optional.of(Path.of(settings.get(GlasswatchSettings.POLICY_FILE).strip())) : Optional.empty();
    PolicyAlerts policy = RevokeSettings.policy(settings, problems);
    RevokeSettings revoke = RevokeSettings.read(settings, policy, problems);
    ChannelSettings channels = ChannelSettings.read(settings, problems);
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new ConfigException(problems);
    }
    return new AlertsSettings(file, policy, revoke, channels, TopicNames.from(settings));
  }
}
