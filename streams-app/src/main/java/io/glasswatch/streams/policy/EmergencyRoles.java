package io.glasswatch.streams.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validation and look-up of the SPEC 1.6 policy keys {@code emergencyRoles} (IAM role ARNs,
 * {@code arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>}, see
 * docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html) and {@code identityCenterNames}.
 */
final class EmergencyRoles {
  /** An IAM role ARN, with an optional path; group 1 the partition, 2 the account, 3 the role name. */
  static final Pattern ROLE_ARN = Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/(?:[^\\s]*/)?([\\w+=,.@-]+)");

  private EmergencyRoles() {}

  /** Adds a {@code key: problem} message to {@code problems} for every invalid value. */
  static void validate(List<String> roles, Map<String, String> names, List<String> problems) {
    if (roles == null) {
      problems.add("emergencyRoles: expected a list of IAM role ARNs (empty when there are none)");
    } else {
      for (int i = 0; i < roles.size(); i++) {
        String r = roles.get(i);
        if (r == null || !ROLE_ARN.matcher(r.strip()).matches()) {
          problems.add("emergencyRoles[" + i + "]: expected an IAM role ARN such as "
              + "arn:aws:iam::111122223333:role/break-glass-emergency, got " + r);
        }
      }
    }
    if (names == null) {
      problems.add("identityCenterNames: expected a mapping of id to name (empty when there are none)");
    } else if (names.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getKey().isBlank()
        || e.getValue() == null || e.getValue().isBlank())) {
      problems.add("identityCenterNames: expected non-blank ids mapped to non-blank names");
    }
  }

  /** Whether {@code roleArn} is listed: same partition, account and role name, ignoring case and path. */
  static boolean listed(List<String> roles, String roleArn) {
    if (roleArn == null || roles.isEmpty()) {
      return false;
    }
    String key = key(roleArn);
    if (key == null) {
      return false;
    }
    for (String r : roles) {
      if (key.equals(key(r))) {
        return true;
      }
    }
    return false;
  }

  /** {@code <partition>:<account>:<role name>} in lower case, or null for a string that is no role ARN. */
  static String key(String roleArn) {
    var m = ROLE_ARN.matcher(roleArn.strip());
    return m.matches() ? (m.group(1) + ":" + m.group(2) + ":" + m.group(3)).toLowerCase(Locale.ROOT) : null;
  }
}
