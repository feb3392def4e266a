package io.glasswatch.alerts.enforcement;

import io.glasswatch.schema.AccountAssignment;
import java.util.List;

/**
 * Which other active grants rely on an account assignment: two requests of the same principal can
 * hold grants that created (or reuse) the same IAM Identity Center assignment, and removing it ends
 * both. Implemented by {@link GrantBook}.
 */
@FunctionalInterface
public interface OverlappingGrants {
  /** Knows no grants: nothing overlaps. */
  OverlappingGrants NONE = (assignment, requestId) -> List.of();

  /**
   * Requests other than {@code requestId} whose grant is active (granted, not expired, not ended)
   * and names the same instance, account, permission set and principal.
   *
   * @param assignment the assignment
   * @param requestId the request the revoke is for (excluded); may be null
   * @return request ids, sorted; empty when none
   */
  List<String> activeOthers(AccountAssignment assignment, String requestId);
}
