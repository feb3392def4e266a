package io.glasswatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glasswatch.catalogue.AlertPolicy;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The detection policy the report states as in force: the keys of a policy file (YAML, the format of
 * {@code config/policy.yaml}, flattened to dotted keys) or, without one, the built-in defaults of the
 * thresholds the review relies on and the alert catalogue ({@link AlertType}, {@link AlertPolicy}).
 * The report reads the file as data and does not validate it: {@code serve} and {@code replay}
 * validate the policy they run with.
 *
 * @param origin the file it was read from, or {@code built-in defaults}
 * @param settings every key with its value as written (thresholds first, then {@code alerts.*})
 * @param alertActions per alert type, its severity and actions in force
 */
public record PolicyInForce(String origin, Map<String, String> settings, Map<String, String> alertActions) {
  /** {@code rotationDeadline} when the policy does not set it (SPEC section 3). */
  public static final Duration DEFAULT_ROTATION_DEADLINE = Duration.ofHours(24);

  /** Thresholds the review relies on, with their defaults (SPEC sections 2 and 3, config/policy.yaml). */
  private static final Map<String, String> DEFAULTS = defaults();

  /** Copies the maps, keeping their order. */
  public PolicyInForce {
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    alertActions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(alertActions));
  }

  /** The built-in defaults. */
  public static PolicyInForce builtIn() {
    Map<String, String> actions = new LinkedHashMap<>();
    for (AlertType t : AlertType.values()) {
      actions.put(t.name(), describe(AlertPolicy.defaultsOf(t)));
    }
    return new PolicyInForce("built-in defaults", DEFAULTS, actions);
  }

  /**
   * Reads a policy file.
   *
   * @param file YAML policy file
   * @return the keys it sets over the built-in defaults
   * @throws ConfigException when the file cannot be read or is not a YAML mapping
   */
  public static PolicyInForce load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.newBufferedReader(file));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read the policy: " + e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(List.of(file + ": the policy must be a YAML mapping"));
    }
    PolicyInForce base = builtIn();
    Map<String, String> settings = new LinkedHashMap<>(base.settings());
    Map<String, String> actions = new LinkedHashMap<>(base.alertActions());
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("alerts") && e.getValue().isObject()) {
        e.getValue().fields().forEachRemaining(a -> actions.put(a.getKey(), alertText(a.getValue())));
      } else {
        flatten(e.getKey(), e.getValue(), settings);
      }
    }
    return new PolicyInForce(file.toString(), settings, actions);
  }

  /** The policy's {@code rotationDeadline}, or 24 h when unset or unreadable. */
  public Duration rotationDeadline() {
    String v = settings.get("rotationDeadline");
    try {
      return v == null ? DEFAULT_ROTATION_DEADLINE : Durations.parse(v);
    } catch (RuntimeException e) {
      return DEFAULT_ROTATION_DEADLINE;
    }
  }

  /** The threshold a deviation of {@code alertType} is measured against, e.g. {@code maxGrantDuration = 1h}; empty when none. */
  public String ruleOf(String alertType) {
    String key = switch (alertType) {
      case "ROTATION_OVERDUE" -> "rotationDeadline";
      case "STALE_APPROVAL" -> "approvalMaxAge";
      case "EXCESSIVE_DURATION" -> "maxGrantDuration";
      case "MISSING_APPROVALS" -> "requiredApproverRoles";
      case "WEAK_APPROVER_ASSURANCE" -> "minApproverAcr";
      case "REPEATED_BREAK_GLASS" -> "repeatThreshold";
      case "DENIED_ATTEMPTS" -> "deniedThreshold";
      case "REVOKE_FAILED", "CONTAINMENT_FAILED" -> "revokeDeadline";
      case "ROOT_ANTIPATTERN" -> "rootAntipatternActions";
      case "UNAUTHORIZED_ROOT_USE", "MISSING_AUDIT_RECORD" -> "decisionDelay";
      case "UNLISTED_BREAK_GLASS_PRINCIPAL" -> "breakGlassPrincipals";
      case "EMERGENCY_ROLE_WITHOUT_REQUEST" -> "emergencyRoles";
      default -> null;
    };
    if (key == null) {
      return "";
    }
    return key + " = " + settings.getOrDefault(key, "(not set)");
  }

  private static void flatten(String key, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(key + "." + e.getKey(), e.getValue(), out));
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(n -> items.add(n.isValueNode() ? n.asText() : n.toString()));
      out.put(key, "[" + String.join(", ", items) + "]");
    } else {
      out.put(key, node.asText());
    }
  }

  private static String alertText(JsonNode node) {
    Map<String, String> flat = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> flatten(e.getKey(), e.getValue(), flat));
    return flat.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  private static String describe(AlertPolicy p) {
    return "severity " + p.severity().name().toLowerCase(Locale.ROOT) + ", actions "
        + p.actions().stream().map(a -> a.name().toLowerCase(Locale.ROOT)).sorted().toList()
        + (p.runbook() == null ? "" : ", runbook " + p.runbook());
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("skew", "2m");
    d.put("decisionDelay", "5m");
    d.put("rotationDeadline", "24h");
    d.put("rootSessionGap", "1h");
    d.put("requiredApproverRoles", "[incident_command, security]");
    d.put("minApproverAcr", "loa2");
    d.put("approvalMaxAge", "30m");
    d.put("maxGrantDuration", "1h");
    d.put("revokeDeadline", "60s");
    d.put("repeatThreshold", "3");
    d.put("repeatWindow", "30d");
    d.put("deniedThreshold", "5");
    d.put("deniedWindow", "10m");
    d.put("rootAntipatternActions",
        "[CreateUser, CreateAccessKey, CreateLoginProfile, UpdateLoginProfile, Put*Policy, Attach*Policy, CreateRole, CreateGroup]");
    return d;
  }
}
