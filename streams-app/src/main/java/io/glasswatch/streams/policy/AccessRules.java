package io.glasswatch.streams.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validation and look-ups of the SPEC 1.5 policy keys (who may break glass, who must approve):
 * {@code breakGlassPrincipals}, {@code approvers}, {@code approvalQuorum} and {@code sources}.
 */
final class AccessRules {
  private AccessRules() {}

  /** Adds a {@code key: problem} message to {@code problems} for every invalid value. */
  static void validate(List<String> principals, Map<String, List<String>> approvers, Integer quorum,
      Map<String, SourcePolicy> sources, List<String> acrOrder, List<String> problems) {
    if (principals != null && principals.stream().anyMatch(x -> x == null || x.isBlank())) {
      problems.add("breakGlassPrincipals: expected non-blank principal ids");
    }
    roster("approvers", approvers, problems);
    if (quorum != null && quorum < 1) {
      problems.add("approvalQuorum: expected a positive count, got " + quorum);
    }
    if (sources == null) {
      problems.add("sources: expected a mapping of source to settings");
      return;
    }
    for (Map.Entry<String, SourcePolicy> e : sources.entrySet()) {
      String at = "sources." + e.getKey();
      if (!SourcePolicy.known(e.getKey())) {
        problems.add(at + ": unknown source; expected one of " + String.join(", ", SourcePolicy.NAMES));
        continue;
      }
      SourcePolicy sp = e.getValue();
      if (sp.approvalQuorum() != null && sp.approvalQuorum() < 1) {
        problems.add(at + ".approvalQuorum: expected a positive count, got " + sp.approvalQuorum());
      }
      roster(at + ".approvers", sp.approvers(), problems);
      if (sp.approverAcr() != null && acrOrder != null && !acrOrder.contains(sp.approverAcr())) {
        problems.add(at + ".approverAcr: expected one of " + acrOrder + ", got " + sp.approverAcr());
      }
    }
  }

  private static void roster(String key, Map<String, List<String>> approvers, List<String> problems) {
    if (approvers == null) {
      return;
    }
    for (Map.Entry<String, List<String>> e : approvers.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank()) {
        problems.add(key + ": expected non-blank approver ids");
      } else if (e.getValue() == null || e.getValue().isEmpty() || e.getValue().stream().anyMatch(r -> r == null || r.isBlank())) {
        problems.add(key + "." + e.getKey() + ": expected a list of at least one non-blank role");
      }
    }
  }

  /** An unmodifiable copy in key order; null stays... an empty roster. */
  static Map<String, List<String>> copy(Map<String, List<String>> approvers) {
    if (approvers == null) {
      return Map.of();
    }
    Map<String, List<String>> m = new LinkedHashMap<>();
    approvers.forEach((k, v) -> m.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(m);
  }

  /** Whether {@code principal} is in {@code list} (trimmed, case-insensitive); any principal when the list is null. */
  static boolean listed(List<String> list, String principal) {
    if (list == null) {
      return true;
    }
    if (principal == null || principal.isBlank()) {
      return false;
    }
    String p = norm(principal);
    return list.stream().anyMatch(x -> norm(x).equals(p));
  }

  /** The roles of {@code approver} in {@code roster} (ids trimmed, case-insensitive), or null. */
  static List<String> lookup(Map<String, List<String>> roster, String approver) {
    if (roster == null || approver == null) {
      return null;
    }
    String a = norm(approver);
    for (Map.Entry<String, List<String>> e : roster.entrySet()) {
      if (norm(e.getKey()).equals(a)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static String norm(String s) {
    return s.trim().toLowerCase(Locale.ROOT);
  }
}
