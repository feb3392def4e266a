package io.glasswatch.alerts.enforcement;

import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The revoke executor's settings, validated together: every problem is reported at once, naming
 * the key and the expected form. Role ARNs are not secrets, and no credential is ever held here.
 *
 * <p>The revoke deadline is one setting: the policy file's {@code revokeDeadline} (SPEC section 3,
 * default 60 s; {@link PolicyAlerts#revokeDeadline(String)}, an account override winning). The
 * former {@code revoke.deadline} key is retired: setting it is reported as a problem naming
 * {@code revokeDeadline}, so a deployment never runs with a deadline it did not mean.
 *
 * @param dryRun {@code revoke.dry-run}: record revokes without calling AWS
 * @param policy the policy file's revoke deadlines and REVOKE_FAILED overrides
 * @param giveUp {@code revoke.give-up-after}: pick-up to giving up, at least every revoke deadline (default 15 min)
 * @param parallelism {@code revoke.parallelism}: commands executed at once, 1-64 (default 8)
 * @param region {@code aws.region}: region of the IAM Identity Center instance
 * @param ssoEndpoint {@code aws.sso-admin.endpoint}: endpoint override (moto), or empty for AWS
 * @param defaultRoleArn {@code revoke.assume-role-arn}: role assumed for SSO Admin calls, or empty
 * @param roleArnByAccount {@code revoke.assume-role-arn.<account id>}: role per target account
 * @param containmentRoleArn {@code containment.assume-role-arn}: role assumed for containment's IAM calls on an
 *     emergency role, {@code {accountId}} standing for the role's account, or empty (default credentials)
 *
 * <p>The expiry sweeper's {@code revoke.sweeper.*} keys belong to the streams app, which runs the sweeper
 * ({@code io.glasswatch.streams.enforcement.SweeperSettings}).
 */
public record RevokeSettings(boolean dryRun, PolicyAlerts policy, Duration giveUp, int parallelism, String region,
    String ssoEndpoint, String defaultRoleArn, Map<String, String> roleArnByAccount, String containmentRoleArn) {
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
  private static final String ROLE_PREFIX = GlasswatchSettings.REVOKE_ROLE_ARN + ".";
  /** Placeholder of {@code containment.assume-role-arn} for the account of the role contained. */
  public static final String ACCOUNT_ID = "{accountId}";

  /** Freezes the role map. */
  public RevokeSettings {
    roleArnByAccount = Map.copyOf(roleArnByAccount);
    containmentRoleArn = containmentRoleArn == null ? "" : containmentRoleArn;
  }

  /**
   * Reads and validates the {@code revoke.*} and {@code aws.*} keys and the policy file named by
   * {@code policy.file} (its revoke deadlines and alert overrides).
   *
   * @param settings the settings
   * @return the revoke settings
   * @throws ConfigException listing every invalid key with its expected form
   */
  public static RevokeSettings from(GlasswatchSettings settings) {
    List<String> problems = new ArrayList<>();
    PolicyAlerts policy = policy(settings, problems);
    RevokeSettings r = read(settings, policy, problems);
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new ConfigException(problems);
    }
    return r;
  }

  /**
   * The policy file named by {@code policy.file}: its alert overrides and revoke deadlines.
   *
   * @param settings the settings
   * @param problems receives the file's problems
   * @return the file's, or {@link PolicyAlerts#defaults()} when none is set (or it is invalid)
   */
  public static PolicyAlerts policy(GlasswatchSettings settings, List<String> problems) {
    if (!settings.isSet(GlasswatchSettings.POLICY_FILE)) {
      return PolicyAlerts.defaults();
    }
    try {
      return PolicyAlerts.load(Path.of(settings.get(GlasswatchSettings.POLICY_FILE).strip()));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return PolicyAlerts.defaults();
    }
  }

  /**
   * Reads the keys, adding every problem to {@code problems}.
   *
   * @param settings the settings
   * @param policy the policy file's part
   * @param problems receives every problem
   * @return the settings (meaningless when problems were added)
   */
  public static RevokeSettings read(GlasswatchSettings settings, PolicyAlerts policy, List<String> problems) {
    if (settings.isSet(GlasswatchSettings.REVOKE_DEADLINE)) {
      problems.add(GlasswatchSettings.REVOKE_DEADLINE + ": retired; the revoke deadline is the policy file's "
          + PolicyAlerts.REVOKE_DEADLINE + " (SPEC section 3, default 60s)");
    }
    Duration giveUp = duration(settings, GlasswatchSettings.REVOKE_GIVE_UP, problems);
    if (giveUp != null && giveUp.compareTo(policy.maxRevokeDeadline()) < 0) {
      problems.add(GlasswatchSettings.REVOKE_GIVE_UP + ": must not be shorter than the policy's longest "
          + PolicyAlerts.REVOKE_DEADLINE + " (" + policy.maxRevokeDeadline() + ")");
    }
    int parallelism;
    try {
      parallelism = Integer.parseInt(settings.get(GlasswatchSettings.REVOKE_PARALLELISM).trim());
    } catch (NumberFormatException e) {
      parallelism = -1;
    }
    if (parallelism < 1 || parallelism > 64) {
      problems.add(GlasswatchSettings.REVOKE_PARALLELISM + ": expected a number 1-64, got '"
          + settings.get(GlasswatchSettings.REVOKE_PARALLELISM) + "'");
    }
    String region = settings.get(GlasswatchSettings.AWS_REGION).strip();
    if (region.isEmpty()) {
      problems.add(GlasswatchSettings.AWS_REGION + ": expected an AWS region, e.g. us-east-1, got '" + region + "'");
    }
    String endpoint = settings.get(GlasswatchSettings.SSO_ENDPOINT).strip();
    String defaultRole = settings.get(GlasswatchSettings.REVOKE_ROLE_ARN).trim();
    checkRole(GlasswatchSettings.REVOKE_ROLE_ARN, defaultRole, problems);
    Map<String, String> byAccount = new TreeMap<>();
    for (Map.Entry<String, String> e : settings.asMap().entrySet()) {
      if (e.getKey().startsWith(ROLE_PREFIX)) {
        String account = e.getKey().substring(ROLE_PREFIX.length());
        if (!account.matches("\\d{12}")) {
          problems.add(e.getKey() + ": expected " + ROLE_PREFIX + "<12-digit account id>");
        } else if (checkRole(e.getKey(), e.getValue().trim(), problems) && !e.getValue().isBlank()) {
          byAccount.put(account, e.getValue().trim());
        }
      }
    }
    String containmentRole = settings.get(GlasswatchSettings.CONTAINMENT_ROLE_ARN).trim();
    if (!containmentRole.isEmpty() && !ROLE_ARN.matcher(containmentRole.replace(ACCOUNT_ID, "123456789012")).matches()) {
      problems.add(GlasswatchSettings.CONTAINMENT_ROLE_ARN + ": expected an IAM role ARN, " + ACCOUNT_ID
          + " standing for the role's account, e.g. arn:aws:iam::" + ACCOUNT_ID + ":role/GlasswatchContainment, got '"
          + containmentRole + "'");
    }
    return new RevokeSettings(settings.getBoolean(GlasswatchSettings.REVOKE_DRY_RUN), policy,
        giveUp == null ? Duration.ofMinutes(15) : giveUp, parallelism, region, endpoint, defaultRole, byAccount,
        containmentRole);
  }

  /**
   * The top-level revoke deadline (the policy file's {@code revokeDeadline}).
   *
   * @return the deadline
   */
  public Duration deadline() {
    return policy.revokeDeadline();
  }

  /**
   * The role to assume for revokes on {@code accountId}.
   *
   * @param accountId 12-digit target account
   * @return the per-account role, else the default role, else empty (no role: default chain as is)
   */
  public String roleFor(String accountId) {
    return roleArnByAccount.getOrDefault(accountId, defaultRoleArn);
  }

  /**
   * The role to assume for containment's IAM calls in {@code accountId} ({@code containment.assume-role-arn}).
   *
   * @param accountId 12-digit account of the emergency role
   * @return the role ARN with {@code {accountId}} replaced, or empty (default credentials chain as is)
   */
  public String containmentRoleFor(String accountId) {
    return containmentRoleArn.replace(ACCOUNT_ID, accountId);
  }

  /**
   * Revoker timing with the top-level deadline, this give-up time and the production poll and retry waits.
   *
   * @return the revoker options
   */
  public SsoAdminRevoker.Options revokerOptions() {
    return SsoAdminRevoker.Options.defaults().withDeadline(deadline()).withGiveUp(giveUp);
  }

  /**
   * Parses a duration: ISO-8601 ({@code PT60S}) or a number with a unit ({@code 500ms}, {@code 60s},
   * {@code 15m}, {@code 24h}, {@code 7d}).
   *
   * @param text the text
   * @return the duration
   * @throws IllegalArgumentException when the text is neither form or the duration is not positive
   */
  public static Duration parseDuration(String text) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected a duration such as 60s, 15m or PT1M, got '" + text + "'", e);
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("expected a positive duration, got '" + text + "'");
    }
    return d;
  }

  private static Duration duration(GlasswatchSettings settings, String key, List<String> problems) {
    try {
      return parseDuration(settings.get(key));
    } catch (IllegalArgumentException e) {
      problems.add(key + ": " + e.getMessage());
      return null;
    }
  }

  private static boolean checkRole(String key, String value, List<String> problems) {
    if (!value.isEmpty() && !ROLE_ARN.matcher(value).matches()) {
      problems.add(key + ": expected an IAM role ARN arn:aws:iam::<account id>:role/<name>, got '" + value + "'");
      return false;
    }
    return true;
  }
}
