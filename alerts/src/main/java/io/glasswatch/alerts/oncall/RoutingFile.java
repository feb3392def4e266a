package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code routing:} section of the policy file ({@code config/policy.yaml} shows it).
 *
 * <p>Shape: {@code default} (list of channel names), {@code enforcement} (list), {@code fallback}
 * (one channel name), {@code giveUpAfter} (duration), {@code storm: {threshold, window,
 * digestInterval}}, {@code links: {kibanaTimeline, runbookBase}}, and {@code routes}: a list of
 * {@code {name, match: {alertTypes, severities, accounts, tenants}, channels, quietHours: {from:
 * "HH:mm", to: "HH:mm", zone, channels}}}. Channel names: {@value #CHANNEL_NAMES_TEXT}. Durations
 * are ISO-8601 ({@code PT5M}) or a number with a unit {@code ms}, {@code s}, {@code m}, {@code h},
 * {@code d}, combinable ({@code 1h30m}). Every absent key keeps the value of
 * {@link Routing#everything(List)}. Every problem is reported at once in one {@link ConfigException},
 * each naming the file and the key path.
 */
public final class RoutingFile {
  /** Channel names a routing rule may use. */
  public static final Set<String> CHANNEL_NAMES = Set.of("console", "webhook", "pagerduty", "slack", "mattermost", "email");
  static final String CHANNEL_NAMES_TEXT = "console, webhook, pagerduty, slack, mattermost, email";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP = Set.of("default", "enforcement", "fallback", "giveUpAfter", "storm", "links", "routes");

  private RoutingFile() {}

  /**
   * Reads the routing of a policy file.
   *
   * @param file the policy file
   * @param configured names of the channels that are configured (used for absent lists)
   * @return the routing; {@link Routing#everything(List)} of {@code configured} when the file has no
   *     {@code routing:} section
   * @throws ConfigException listing every problem
   */
  public static Routing load(Path file, List<String> configured) {
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return parse(root == null ? null : root.get("routing"), file.getFileName().toString(), configured);
  }

  /**
   * Reads a YAML text holding a {@code routing:} section (tests, inline configuration).
   *
   * @param yaml the text
   * @param configured names of the configured channels
   * @return the routing
   * @throws ConfigException listing every problem
   */
  public static Routing parse(String yaml, List<String> configured) {
    try {
      JsonNode root = YAML.readTree(yaml);
      return parse(root == null ? null : root.get("routing"), "routing", configured);
    } catch (IOException e) {
      throw new ConfigException(List.of("routing: cannot parse YAML: " + e.getMessage()));
    }
  }

  private static Routing parse(JsonNode r, String file, List<String> configured) {
    Routing base = Routing.everything(configured);
    if (r == null || r.isNull()) {
      return base;
    }
    List<String> problems = new ArrayList<>();
    String p = file + ": routing.";
    if (!r.isObject()) {
      throw new ConfigException(List.of(file + ": routing: expected a mapping"));
    }
    for (Map.Entry<String, JsonNode> e : r.properties()) {
      if (!TOP.contains(e.getKey())) {
        problems.add(p + e.getKey() + ": unknown key (expected one of " + String.join(", ", new java.util.TreeSet<>(TOP)) + ")");
      }
    }
    List<String> def = r.has("default") ? channels(r.get("default"), p + "default", problems) : base.defaultChannels();
    List<String> enf = r.has("enforcement") ? channels(r.get("enforcement"), p + "enforcement", problems) : base.enforcementChannels();
    String fallback = null;
    if (r.hasNonNull("fallback")) {
      List<String> f = channels(r.get("fallback").isArray() ? r.get("fallback") : YAML.createArrayNode().add(r.get("fallback")),
          p + "fallback", problems);
      fallback = f.isEmpty() ? null : f.getFirst();
    }
    Duration giveUp = r.has("giveUpAfter") ? duration(r.get("giveUpAfter"), p + "giveUpAfter", problems) : base.giveUpAfter();
    Routing.Storm storm = base.storm();
    if (r.has("storm")) {
      JsonNode s = r.get("storm");
      int threshold = storm.threshold();
      if (s.has("threshold")) {
        if (s.get("threshold").canConvertToInt() && s.get("threshold").intValue() >= 0) {
          threshold = s.get("threshold").intValue();
        } else {
          problems.add(p + "storm.threshold: expected a count >= 0 (0 disables storm control), got " + s.get("threshold"));
        }
      }
      Duration window = s.has("window") ? duration(s.get("window"), p + "storm.window", problems) : storm.window();
      Duration interval = s.has("digestInterval") ? duration(s.get("digestInterval"), p + "storm.digestInterval", problems)
          : storm.digestInterval();
      if (window != null && interval != null) {
        storm = new Routing.Storm(threshold, window, interval);
      }
    }
    Links links = base.links();
    if (r.has("links")) {
      JsonNode l = r.get("links");
      String k = text(l.get("kibanaTimeline"));
      String rb = text(l.get("runbookBase"));
      if (!k.isEmpty() && !k.matches("https?://.+")) {
        problems.add(p + "links.kibanaTimeline: expected an http(s) URL template with {correlationId}, got '" + k + "'");
      }
      if (!rb.isEmpty() && !rb.matches("https?://.+")) {
        problems.add(p + "links.runbookBase: expected an http(s) URL, got '" + rb + "'");
      }
      links = new Links(k, rb);
    }
    List<Routing.Route> routes = new ArrayList<>();
    if (r.has("routes")) {
      if (!r.get("routes").isArray()) {
        problems.add(p + "routes: expected a list of rules");
      } else {
        int i = 0;
        for (JsonNode n : r.get("routes")) {
          Routing.Route route = route(n, p + "routes[" + i + "]", i, problems);
          if (route != null) {
            routes.add(route);
          }
          i++;
        }
      }
    }
    if (!problems.isEmpty() || giveUp == null) {
      throw new ConfigException(problems);
    }
    return new Routing(routes, def, enf, fallback, giveUp, storm, links);
  }

  private static Routing.Route route(JsonNode n, String p, int index, List<String> problems) {
    if (!n.isObject()) {
      problems.add(p + ": expected a mapping with match and channels");
      return null;
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!Set.of("name", "match", "channels", "quietHours").contains(e.getKey())) {
        problems.add(p + "." + e.getKey() + ": unknown key (expected name, match, channels, quietHours)");
      }
    }
    String name = n.hasNonNull("name") ? n.get("name").asText() : "route-" + (index + 1);
    JsonNode m = n.path("match");
    for (Map.Entry<String, JsonNode> e : m.properties()) {
      if (!Set.of("alertTypes", "severities", "accounts", "tenants").contains(e.getKey())) {
        problems.add(p + ".match." + e.getKey() + ": unknown key (expected alertTypes, severities, accounts, tenants)");
      }
    }
    List<String> types = strings(m.get("alertTypes"), p + ".match.alertTypes", "[A-Z][A-Z0-9_]*", "an alert type such as TOKEN_REUSE", problems);
    List<String> sev = strings(m.get("severities"), p + ".match.severities", "critical|high|medium|low", "critical, high, medium or low", problems);
    List<String> acc = strings(m.get("accounts"), p + ".match.accounts", "\\d{12}", "a 12-digit AWS account id", problems);
    List<String> ten = strings(m.get("tenants"), p + ".match.tenants", ".+", "a tenant name", problems);
    if (!n.has("channels")) {
      problems.add(p + ".channels: required (one or more of " + CHANNEL_NAMES_TEXT + ")");
    }
    List<String> ch = channels(n.get("channels"), p + ".channels", problems);
    if (n.has("channels") && ch.isEmpty()) {
      problems.add(p + ".channels: expected one or more of " + CHANNEL_NAMES_TEXT);
    }
    Routing.QuietHours quiet = null;
    if (n.has("quietHours")) {
      JsonNode q = n.get("quietHours");
      LocalTime from = time(q.get("from"), p + ".quietHours.from", problems);
      LocalTime to = time(q.get("to"), p + ".quietHours.to", problems);
      ZoneId zone = ZoneId.of("UTC");
      if (q.hasNonNull("zone")) {
        try {
          zone = ZoneId.of(q.get("zone").asText());
        } catch (RuntimeException e) {
          problems.add(p + ".quietHours.zone: expected a time zone such as UTC or Europe/Berlin, got '" + q.get("zone").asText() + "'");
        }
      }
      List<String> qc = q.has("channels") ? channels(q.get("channels"), p + ".quietHours.channels", problems) : List.of();
      if (from != null && to != null) {
        if (from.equals(to)) {
          problems.add(p + ".quietHours: from and to must differ");
        } else {
          quiet = new Routing.QuietHours(from, to, zone, qc);
        }
      }
    }
    return new Routing.Route(name, new Routing.Match(types, sev, acc, ten), ch, quiet);
  }

  private static List<String> channels(JsonNode n, String path, List<String> problems) {
    return strings(n, path, String.join("|", CHANNEL_NAMES), "a channel name (" + CHANNEL_NAMES_TEXT + ")", problems);
  }

  private static List<String> strings(JsonNode n, String path, String regex, String expected, List<String> problems) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problems.add(path + ": expected a list, got " + n);
      return out;
    }
    for (JsonNode v : n) {
      String s = v.isValueNode() ? v.asText() : v.toString();
      if (!v.isValueNode() || !s.matches(regex)) {
        problems.add(path + ": expected " + expected + ", got '" + s + "'");
      } else if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static LocalTime time(JsonNode n, String path, List<String> problems) {
    try {
      return LocalTime.parse(text(n));
    } catch (DateTimeParseException e) {
      problems.add(path + ": expected a time HH:mm, got '" + text(n) + "'");
      return null;
    }
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? "" : n.asText().strip();
  }

  /**
   * Parses a duration: ISO-8601 or number-with-unit groups ({@code 90s}, {@code 1h30m}, {@code 500ms}).
   *
   * @param text the text
   * @return the duration
   * @throws IllegalArgumentException when it is neither
   */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  private static Duration duration(JsonNode n, String path, List<String> problems) {
    try {
      Duration d = parseDuration(text(n));
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (RuntimeException e) {
      problems.add(path + ": expected a positive duration such as 5m or PT5M, got '" + text(n) + "'");
      return null;
    }
  }
}
