package io.glasswatch.alerts.enforcement;

import io.glasswatch.schema.RevokeCommand;
import java.util.List;
import java.util.TreeSet;

/**
 * Which other active grants rely on the account assignment a command removes: two requests of the
 * same principal can hold grants that created (or reuse) the same IAM Identity Center assignment, and
 * removing it ends both. In the running pipeline the streams app, which holds the grants of each
 * account, names them in the command ({@code RevokeCommand.alsoRevokedRequestIds}):
 * {@link #FROM_COMMAND}.
 */
@FunctionalInterface
public interface OverlappingGrants {
  /** Knows no grants: nothing overlaps. */
  OverlappingGrants NONE = command -> List.of();

  /**
   * The overlapping grants the streams app computed when it issued the command
   * ({@code alsoRevokedRequestIds}: active grants of the same instance, account, permission set and
   * principal at issue time), without the command's own request, sorted and distinct.
   */
  OverlappingGrants FROM_COMMAND = command -> {
    TreeSet<String> ids = new TreeSet<>(command.getAlsoRevokedRequestIds() == null ? List.of()
        : command.getAlsoRevokedRequestIds());
    if (command.getRequestId() != null) {
      ids.remove(command.getRequestId());
    }
    return List.copyOf(ids);
  };

  /**
   * Requests other than the command's whose grant is active (granted, not expired, not ended) and
   * names the same instance, account, permission set and principal as the command's assignment.
   *
   * @param command the revoke command (its assignment is not null)
   * @return request ids, sorted; empty when none
   */
  List<String> activeOthers(RevokeCommand command);
}
