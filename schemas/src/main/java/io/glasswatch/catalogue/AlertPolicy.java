package io.glasswatch.catalogue;

import java.util.Objects;
import java.util.Set;

/**
 * How one alert type is raised: its severity, the actions Glasswatch takes, and the runbook anchor
 * responders follow.
 *
 * @param severity severity written to {@code Alert.severity}
 * @param actions actions written to {@code Alert.actions}; {@link Action#REVOKE} makes the detector issue revoke commands
 * @param runbook runbook link or anchor, e.g. {@code docs/runbooks.md#token-reuse}
 */
public record AlertPolicy(Severity severity, Set<Action> actions, String runbook) {
  /** Copies {@code actions}; rejects nulls and a blank runbook with {@link IllegalArgumentException}. */
  public AlertPolicy {
    Objects.requireNonNull(severity, "severity");
    actions = Set.copyOf(Objects.requireNonNull(actions, "actions"));
    if (runbook == null || runbook.isBlank()) {
      throw new IllegalArgumentException("runbook must not be blank");
    }
  }

  /** The catalogue defaults of {@code type}. */
  public static AlertPolicy defaultsOf(AlertType type) {
    return new AlertPolicy(type.defaultSeverity(), type.defaultActions(), type.defaultRunbook());
  }

  /** Whether {@code action} is one of this alert type's actions. */
  public boolean has(Action action) {
    return actions.contains(action);
  }
}
