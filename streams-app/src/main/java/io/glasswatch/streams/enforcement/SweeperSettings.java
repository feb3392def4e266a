package io.glasswatch.streams.enforcement;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the expiry sweeper of stage B ({@code AccountCorrelator} of the correlation package).
 *
 * @param enabled {@code revoke.sweeper.enabled}: whether the sweeper checks that the assignment of
 *     every ended grant is gone (default true). Off, ended grants are left to the gateway's own expiry.
 * @param lookback {@code revoke.sweeper.lookback}: a grant whose end lies further back than this when the
 *     sweeper reaches it (a first start on a backlog of old grants, a long outage) is not checked; its
 *     timeline records {@code expiry_sweep_skipped} instead (default 24 h, positive)
 */
public record SweeperSettings(boolean enabled, Duration lookback) {

  /** The defaults: enabled, 24 h lookback. */
  public static final SweeperSettings DEFAULTS = new SweeperSettings(true, Duration.ofHours(24));

  /**
   * Validates the lookback.
   *
   * @throws ConfigException when {@code lookback} is null, zero or negative
   */
  public SweeperSettings {
    if (lookback == null || lookback.isZero() || lookback.isNegative()) {
      throw new ConfigException(List.of(GlasswatchSettings.REVOKE_SWEEPER_LOOKBACK
          + ": expected a positive duration such as 24h, got " + lookback));
    }
  }

  /**
   * Reads {@code revoke.sweeper.enabled} ({@code true} or {@code false}) and {@code revoke.sweeper.lookback}
   * (a duration such as {@code 24h}, {@code 90m} or {@code PT24H}).
   *
   * @throws ConfigException naming each invalid key and its expected form
   */
  public static SweeperSettings from(GlasswatchSettings settings) {
    List<String> problems = new ArrayList<>();
    String enabled = settings.get(GlasswatchSettings.REVOKE_SWEEPER).trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      problems.add(GlasswatchSettings.REVOKE_SWEEPER + ": expected true or false, got '" + enabled + "'");
    }
    Duration lookback = null;
    String raw = settings.get(GlasswatchSettings.REVOKE_SWEEPER_LOOKBACK).trim();
    try {
      lookback = Durations.parse(raw);
      if (lookback.isZero() || lookback.isNegative()) {
        problems.add(GlasswatchSettings.REVOKE_SWEEPER_LOOKBACK + ": expected a positive duration such as 24h, got '"
            + raw + "'");
      }
    } catch (IllegalArgumentException e) {
      problems.add(GlasswatchSettings.REVOKE_SWEEPER_LOOKBACK + ": expected a duration such as 24h, got '" + raw + "'");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new SweeperSettings(Boolean.parseBoolean(enabled), lookback);
  }
}
