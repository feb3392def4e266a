package io.glasswatch.streams.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.catalogue.AlertType;
import org.junit.jupiter.api.Test;

/**
 * The stage rule sets found from the catalogue, in the order their alerts are raised on one record: the
 * order of the rules below is pinned; a rule added later only has to take a rank of its own.
 */
class StageRuleSetsTest {
  @Test
  void stageBRunsItsRulesInRankOrder() {
    assertThat(AccountRules.ALL).isSortedAccordingTo(java.util.Comparator.comparingInt(AccountRule::rank));
    assertThat(AccountRules.ALL).extracting(AccountRule::type).containsSubsequence(AlertType.UNAUTHORIZED_ROOT_USE,
        AlertType.ROOT_LOGIN_WITHOUT_MFA, AlertType.ROOT_LOGIN_FAILED, AlertType.ROOT_ANTIPATTERN,
        AlertType.ROTATION_OVERDUE, AlertType.MISSING_AUDIT_RECORD, AlertType.SESSION_OVERRUN,
        AlertType.DUPLICATE_GRANT, AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL);
  }

  @Test
  void stageARunsItsRulesInRankOrder() {
    assertThat(RequestRules.ALL).isSortedAccordingTo(java.util.Comparator.comparingInt(RequestRule::rank));
    assertThat(RequestRules.ALL).extracting(RequestRule::type).containsSubsequence(AlertType.TOKEN_REUSE,
        AlertType.USAGE_AFTER_EXPIRY, AlertType.SELF_APPROVAL, AlertType.WEAK_APPROVER_ASSURANCE,
        AlertType.MISSING_APPROVALS, AlertType.STALE_APPROVAL, AlertType.EXCESSIVE_DURATION,
        AlertType.EXPIRY_EXTENDED, AlertType.SCOPE_ESCALATION, AlertType.DENIED_ATTEMPTS, AlertType.GRANT_ERROR,
        AlertType.GATEWAY_AUDIT_TAMPERED, AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL);
  }
}
