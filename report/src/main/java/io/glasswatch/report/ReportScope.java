package io.glasswatch.report;

import java.time.Instant;
import java.util.Objects;

/**
 * What a report covers: the period {@code [from, to)} of {@code @timestamp}, optionally one AWS
 * account ({@code cloud.account.id}) and one tenant ({@code glasswatch.details.tenant}).
 *
 * @param from first instant of the period (inclusive)
 * @param to end of the period (exclusive), after {@code from}
 * @param accountId 12-digit AWS account id, or null for every account
 * @param tenant tenant name, or null for every tenant
 */
public record ReportScope(Instant from, Instant to, String accountId, String tenant) {
  /**
   * Checks the period.
   *
   * @throws IllegalArgumentException when {@code to} is not after {@code from}
   */
  public ReportScope {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("the period must end after it starts: --from " + from + " --to " + to);
    }
  }

  /** Whether {@code at} lies in {@code [from, to)}. */
  public boolean contains(Instant at) {
    return at != null && !at.isBefore(from) && at.isBefore(to);
  }
}
