package io.glasswatch.streams.policy;

import static io.glasswatch.streams.policy.PolicyProblems.describe;
import static io.glasswatch.streams.policy.PolicyProblems.isNothing;
import static io.glasswatch.streams.policy.PolicyProblems.unknown;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.ConfigException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The mappings of a policy file read into layers (the base, and one per account or tenant override),
 * each holding only the keys it sets, and the {@link Policy} built from the defaults with the base and
 * an override applied. Every problem goes to the file's {@link PolicyProblems}; see {@link PolicyFile}
 * for the shape.
 */
final class PolicyLayers {
  static final String ALERTS = "alerts";
  static final String ACCOUNTS = "accounts";
  static final String TENANTS = "tenants";

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  private PolicyLayers() {}

  /** The keys one mapping (the base, or one override) sets; absent keys are not in the maps. */
  static final class Layer {
    final Map<PolicyKey, Object> values = new LinkedHashMap<>();
    final Map<AlertType, PolicyAlerts.Fields> alerts = new EnumMap<>(AlertType.class);
  }

  static Layer readLayer(JsonNode node, String prefix, boolean top, PolicyProblems problems) {
    Layer layer = new Layer();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String path = prefix + name;
      JsonNode v = e.getValue();
      PolicyKey key = PolicyKey.BY_NAME.get(name);
      if (key != null) {
        Object value = readValue(key, v, path, problems);
        if (value != null) {
          layer.values.put(key, value);
        }
      } else if (ALERTS.equals(name)) {
        readAlerts(v, path, layer, problems);
      } else if (top && PolicyFile.ROUTING.equals(name) || PolicyFile.CONTAINMENT.equals(name)) {
        continue;
      } else if (ACCOUNTS.equals(name) || TENANTS.equals(name)) {
        if (!top) {
          problems.add(path, "an override cannot contain further overrides (accounts and tenants belong at the "
              + "top level of the file)", path);
        }
      } else {
        problems.add(path, unknown("key", name, top ? PolicyFile.KEYS : PolicyFile.KEYS.subList(0, PolicyFile.KEYS.size() - 2)), path);
      }
    }
    return layer;
  }

  private static Object readValue(PolicyKey key, JsonNode v, String path, PolicyProblems problems) {
    String expected = "expected " + key.expected() + ", got ";
    if (v.isNull() && PolicyKey.OPTIONAL.contains(key.name())) {
      return null; // written out as ~: not set (anyone may break glass; the roles apply)
    }
    switch (key.kind()) {
      case DURATION -> {
        if (v.isTextual()) {
          try {
            return PolicyFile.parseDuration(v.textValue());
          } catch (IllegalArgumentException e) {
            problems.add(path, expected + describe(v), path);
            return null;
          }
        }
        problems.add(path, expected + describe(v) + (v.isNumber() ? " (a number needs a unit: ms, s, m, h or d)" : ""),
            path);
        return null;
      }
      case COUNT -> {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v.intValue();
        }
        problems.add(path, expected + describe(v), path);
        return null;
      }
      case STRING -> {
        if (v.isTextual() && !v.textValue().isBlank()) {
          String s = v.textValue().strip();
          if ("minApproverAcr".equals(key.name()) && !s.equals(s.toLowerCase(Locale.ROOT))) {
            problems.add(path, "expected lower case (approverAcr is compared in lower case), got " + describe(v), path);
            return null;
          }
          return s;
        }
        problems.add(path, expected + describe(v), path);
        return null;
      }
      case ROSTER -> {
        return readRoster(v, path, expected, problems);
      }
      case SOURCES -> {
        return readSources(v, path, expected, problems);
      }
      default -> {
        if (!v.isArray()) {
          problems.add(path, expected + describe(v), path);
          return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
          JsonNode item = v.get(i);
          if (!item.isTextual() || item.textValue().isBlank()) {
            problems.add(path + "[" + i + "]", "expected a non-blank string, got " + describe(item), path);
            ok = false;
            continue;
          }
          String s = item.textValue().strip();
          if ("acrOrder".equals(key.name())) {
            if (!s.equals(s.toLowerCase(Locale.ROOT))) {
              problems.add(path + "[" + i + "]", "expected lower case (approverAcr is compared in lower case), got "
                  + describe(item), path);
              ok = false;
            } else if (out.contains(s)) {
              problems.add(path + "[" + i + "]", "'" + s + "' is listed twice (the order must be unambiguous)", path);
              ok = false;
            }
          }
          out.add(s);
        }
        return ok ? out : null;
      }
    }
  }

  /** An approver roster: a mapping of approver id to a non-empty list of roles; null when invalid. */
  private static Map<String, List<String>> readRoster(JsonNode v, String path, String expected, PolicyProblems problems) {
    if (!v.isObject()) {
      problems.add(path, expected + describe(v), path);
      return null;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      String at = path + "." + e.getKey();
      JsonNode roles = e.getValue();
      if (e.getKey().isBlank()) {
        problems.add(at, "expected a non-blank approver id", at);
        ok = false;
        continue;
      }
      if (!roles.isArray() || roles.isEmpty()) {
        problems.add(at, "expected a list of at least one role such as [incident_command], got " + describe(roles), at);
        ok = false;
        continue;
      }
      List<String> list = new ArrayList<>();
      for (int i = 0; i < roles.size(); i++) {
        JsonNode r = roles.get(i);
        if (!r.isTextual() || r.textValue().isBlank()) {
          problems.add(at + "[" + i + "]", "expected a non-blank role, got " + describe(r), at);
          ok = false;
        } else {
          list.add(r.textValue().strip());
        }
      }
      out.put(e.getKey().strip(), list);
    }
    return ok ? out : null;
  }

  /** {@code sources}: per known source, approvalQuorum, approvers and approverAcr; null when invalid. */
  private static Map<String, SourcePolicy> readSources(JsonNode v, String path, String expected, PolicyProblems problems) {
    if (!v.isObject()) {
      problems.add(path, expected + describe(v), path);
      return null;
    }
    Map<String, SourcePolicy> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      String at = path + "." + e.getKey();
      if (!SourcePolicy.known(e.getKey())) {
        problems.add(at, unknown("source", e.getKey(), SourcePolicy.NAMES), at);
        ok = false;
        continue;
      }
      if (!e.getValue().isObject()) {
        problems.add(at, "expected a mapping with approvalQuorum, approvers and/or approverAcr, got "
            + describe(e.getValue()), at);
        ok = false;
        continue;
      }
      Integer quorum = null;
      Map<String, List<String>> roster = null;
      String acr = null;
      for (Map.Entry<String, JsonNode> f : e.getValue().properties()) {
        String fp = at + "." + f.getKey();
        JsonNode fv = f.getValue();
        switch (f.getKey()) {
          case "approvalQuorum" -> {
            if (fv.isIntegralNumber() && fv.canConvertToInt() && fv.intValue() >= 1) {
              quorum = fv.intValue();
            } else {
              problems.add(fp, "expected a positive whole number such as 2, got " + describe(fv), fp);
              ok = false;
            }
          }
          case "approvers" -> {
            roster = readRoster(fv, fp, "expected a mapping of approver id to roles such as "
                + "{ carol: [incident_command] }, got ", problems);
            ok &= roster != null;
          }
          case "approverAcr" -> {
            if (fv.isTextual() && !fv.textValue().isBlank()
                && fv.textValue().strip().equals(fv.textValue().strip().toLowerCase(Locale.ROOT))) {
              acr = fv.textValue().strip();
            } else {
              problems.add(fp, "expected a lower-case authentication context class such as loa2, got " + describe(fv),
                  fp);
              ok = false;
            }
          }
          default -> {
            problems.add(fp, unknown("key", f.getKey(), SourcePolicy.FIELDS), fp);
            ok = false;
          }
        }
      }
      out.put(e.getKey(), new SourcePolicy(quorum, roster, acr));
    }
    return ok ? out : null;
  }

  /**
   * Reads an {@code alerts:} mapping with the alerts module's reader ({@link PolicyAlerts#readAlerts}), so
   * both accept exactly the same overrides; problems carry the line of their key (of the list, for an item).
   */
  private static void readAlerts(JsonNode node, String path, Layer layer, PolicyProblems problems) {
    layer.alerts.putAll(PolicyAlerts.readAlerts(node, path,
        (at, message) -> problems.add(at, message, at.replaceFirst("\\[\\d+]$", "")), PolicyProblems::unknown));
  }

  static void readOverrides(JsonNode node, String section, boolean accounts, Map<String, Layer> out,
      PolicyProblems problems) {
    if (node == null || isNothing(node)) {
      return;
    }
    if (!node.isObject()) {
      problems.add(section, "expected a mapping of " + (accounts ? "12-digit AWS account id" : "tenant name")
          + " to policy keys, got " + describe(node), section);
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String path = section + "." + name;
      boolean valid = true;
      if (accounts && !ACCOUNT_ID.matcher(name).matches()) {
        problems.add(path, "expected a 12-digit AWS account id (quoted, e.g. \"123456789012\"), got '" + name + "'",
            path);
        valid = false;
      } else if (!accounts && name.isBlank()) {
        problems.add(path, "expected a non-blank tenant name", path);
        valid = false;
      }
      JsonNode v = e.getValue();
      if (!v.isObject()) {
        problems.add(path, "expected a mapping of policy keys to override, such as { rotationDeadline: 4h }, got "
            + describe(v), path);
        continue;
      }
      Layer layer = readLayer(v, path + ".", false, problems);
      if (valid) {
        out.put(name, layer);
      }
    }
  }

  /**
   * Builds the defaults with {@code base} and then {@code override} (null for the base policy itself)
   * applied; the constructor's problems are added under {@code prefix}, except those the base policy
   * already reported ({@code inherited}). Returns null when the policy is invalid.
   */
  static Policy build(Layer base, Layer override, String prefix, Set<String> inherited, PolicyProblems problems) {
    Policy.Builder b = Policy.defaults().toBuilder();
    base.values.forEach((k, v) -> k.setter().accept(b, v));
    if (override != null) {
      override.values.forEach((k, v) -> k.setter().accept(b, v));
    }
    Policy defaults = Policy.defaults();
    for (AlertType t : AlertType.values()) {
      PolicyAlerts.Fields f = PolicyAlerts.Fields.merge(base.alerts.get(t), override == null ? null : override.alerts.get(t));
      if (f != null) {
        b.alert(t, f.over(defaults.alert(t)));
      }
    }
    try {
      return b.build();
    } catch (ConfigException e) {
      for (String m : e.problems()) {
        if (!inherited.contains(m)) {
          problems.addPolicyProblem(prefix, m);
        }
      }
      return null;
    }
  }
}
