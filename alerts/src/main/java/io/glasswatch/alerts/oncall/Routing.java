package io.glasswatch.alerts.oncall;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which channels get which notice: the {@code routing:} section of the policy file, read by
 * {@link RoutingFile}.
 *
 * <p>Rule: the first {@link Route} whose {@link Match} accepts the alert decides its channels; no
 * match means {@code defaultChannels}. During a route's quiet hours a notice that is not
 * {@code critical} goes to the quiet-hours channels instead (often none, or email); quiet hours
 * never apply to critical notices. Enforcement notices go to {@code enforcementChannels}. A
 * resolution goes to the channels that received the alert it resolves. A notice a channel could
 * not deliver before its give-up time goes to the dead-letter topic and to {@code fallback}.
 *
 * @param routes rules, in order; first match wins
 * @param defaultChannels channels of alerts no route matches
 * @param enforcementChannels channels of enforcement notices (revoke confirmed or failed)
 * @param fallback channel that receives what another channel gave up on, or null for none
 * @param giveUpAfter time after the first attempt after which a channel gives up on a notice
 * @param storm storm control
 * @param links Kibana timeline template and runbook base URL
 */
public record Routing(List<Route> routes, List<String> defaultChannels, List<String> enforcementChannels,
    String fallback, Duration giveUpAfter, Storm storm, Links links) {

  /** Copies lists; requires positive give-up time and non-null storm and links. */
  public Routing {
    routes = List.copyOf(routes);
    defaultChannels = List.copyOf(defaultChannels);
    enforcementChannels = List.copyOf(enforcementChannels);
    Objects.requireNonNull(storm, "storm");
    Objects.requireNonNull(links, "links");
    if (giveUpAfter == null || giveUpAfter.isNegative() || giveUpAfter.isZero()) {
      throw new IllegalArgumentException("giveUpAfter must be positive");
    }
  }

  /**
   * Routing without a {@code routing:} section: every alert and enforcement notice to every
   * configured channel, no fallback, give up after 5 minutes, storm control at more than 20 alerts
   * of one type in 5 minutes with a digest every 5 minutes.
   *
   * @param channels names of the configured channels
   * @return the routing
   */
  public static Routing everything(List<String> channels) {
    return new Routing(List.of(), channels, channels, null, Duration.ofMinutes(5), Storm.DEFAULT, Links.NONE);
  }

  /**
   * The channels of an alert at an instant.
   *
   * @param alertType alert type
   * @param severity severity
   * @param accountId account id, or null
   * @param tenant tenant, or null
   * @param at the wall-clock instant (quiet hours are judged on it)
   * @return the channel names, in route order, without duplicates
   */
  public List<String> channelsFor(String alertType, String severity, String accountId, String tenant,
      java.time.Instant at) {
    for (Route r : routes) {
      if (r.match().accepts(alertType, severity, accountId, tenant)) {
        if (!"critical".equals(severity) && r.quietHours() != null && r.quietHours().contains(at)) {
          return r.quietHours().channels();
        }
        return r.channels();
      }
    }
    return defaultChannels;
  }

  /**
   * Every channel name the routing refers to.
   *
   * @return route, default, enforcement, quiet-hours and fallback channels
   */
  public Set<String> referencedChannels() {
    Set<String> s = new LinkedHashSet<>(defaultChannels);
    s.addAll(enforcementChannels);
    for (Route r : routes) {
      s.addAll(r.channels());
      if (r.quietHours() != null) {
        s.addAll(r.quietHours().channels());
      }
    }
    if (fallback != null) {
      s.add(fallback);
    }
    return s;
  }

  /**
   * One routing rule.
   *
   * @param name the rule's name (for logs and the timeline)
   * @param match what it accepts
   * @param channels where accepted alerts go (one or more)
   * @param quietHours when non-critical alerts go elsewhere, or null
   */
  public record Route(String name, Match match, List<String> channels, QuietHours quietHours) {
    /** Copies the list. */
    public Route {
      channels = List.copyOf(channels);
    }
  }

  /**
   * What a route accepts: each non-empty list must contain the alert's value (an empty list accepts
   * anything; an alert without account or tenant never matches a non-empty list of them).
   *
   * @param alertTypes alert types, e.g. {@code UNAUTHORIZED_ROOT_USE}
   * @param severities {@code critical}, {@code high}, {@code medium}, {@code low}
   * @param accounts 12-digit AWS account ids
   * @param tenants tenant names
   */
  public record Match(List<String> alertTypes, List<String> severities, List<String> accounts, List<String> tenants) {
    /** Copies the lists. */
    public Match {
      alertTypes = List.copyOf(alertTypes);
      severities = List.copyOf(severities);
      accounts = List.copyOf(accounts);
      tenants = List.copyOf(tenants);
    }

    boolean accepts(String alertType, String severity, String accountId, String tenant) {
      return in(alertTypes, alertType) && in(severities, severity) && in(accounts, accountId) && in(tenants, tenant);
    }

    private static boolean in(List<String> allowed, String v) {
      return allowed.isEmpty() || (v != null && allowed.contains(v));
    }
  }

  /**
   * A daily window, e.g. 22:00 to 07:00 in Europe/Berlin (a window whose end is before its start
   * spans midnight).
   *
   * @param from start, inclusive
   * @param to end, exclusive
   * @param zone the time zone the times are in
   * @param channels channels of non-critical alerts during the window (may be empty: recorded, not sent)
   */
  public record QuietHours(LocalTime from, LocalTime to, ZoneId zone, List<String> channels) {
    /** Copies the list; requires distinct times. */
    public QuietHours {
      channels = List.copyOf(channels);
      if (from.equals(to)) {
        throw new IllegalArgumentException("quiet hours need distinct from and to times");
      }
    }

    /**
     * Whether an instant falls in the window.
     *
     * @param at the instant
     * @return true inside the window
     */
    public boolean contains(java.time.Instant at) {
      LocalTime t = ZonedDateTime.ofInstant(at, zone).toLocalTime();
      return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }
  }

  /**
   * Storm control: when alerts of one type arrive more than {@code threshold} times within
   * {@code window}, further alerts of that type are held and sent as one digest per
   * {@code digestInterval}, and the storm is reported once when it starts. The storm ends when a
   * whole window passes at or below the threshold.
   *
   * @param threshold alerts of one type per window that are still sent one by one; 0 disables storm control
   * @param window the counting window
   * @param digestInterval time between digests during a storm
   */
  public record Storm(int threshold, Duration window, Duration digestInterval) {
    /** More than 20 alerts of one type in 5 minutes; a digest every 5 minutes. */
    public static final Storm DEFAULT = new Storm(20, Duration.ofMinutes(5), Duration.ofMinutes(5));

    /** Validates: threshold not negative, durations positive. */
    public Storm {
      if (threshold < 0 || window == null || window.isZero() || window.isNegative() || digestInterval == null
          || digestInterval.isZero() || digestInterval.isNegative()) {
        throw new IllegalArgumentException("storm: threshold >= 0 and positive durations expected");
      }
    }
  }
}
