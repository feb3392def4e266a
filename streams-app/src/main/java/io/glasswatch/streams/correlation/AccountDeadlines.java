package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The deadlines still open in stage B's state: {@link AccountCorrelator#openDeadlines}. */
final class AccountDeadlines {
  private AccountDeadlines() {}

  /** See {@link AccountCorrelator#openDeadlines}. */
  static List<OpenDeadline> open(ReadOnlyKeyValueStore<String, ?> accounts, Policy policy) {
    List<OpenDeadline> open = new ArrayList<>();
    try (KeyValueIterator<String, ?> it = accounts.all()) {
      while (it.hasNext()) {
        if (it.next().value instanceof AccountState s) {
          AccountContext ctx = readOnly(s, policy);
          AccountRules.ALL.forEach(r -> open.addAll(r.openDeadlines(s, ctx)));
        }
      }
    }
    open.sort(Comparator.comparing(OpenDeadline::dueAt).thenComparing(OpenDeadline::alertType)
        .thenComparing(OpenDeadline::correlationId));
    return open;
  }

  /** A context that answers policy questions about {@code s} and refuses every output. */
  private static AccountContext readOnly(AccountState s, Policy policy) {
    return new AccountContext() {
      @Override
      public long now() {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public Policy accountPolicy() {
        return policy.resolve(s.accountId, null);
      }

      @Override
      public Policy policyOf(AccountState.GrantView v) {
        return policy.resolve(s.accountId, v == null ? null : v.tenant);
      }

      @Override
      public Alert raise(AlertBuilder b, String requestId) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public Alert raiseRevoking(AlertBuilder b,
          List<AccountState.GrantView> targets) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public Alert raiseOnly(AlertBuilder b) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public void resolve(AlertResolution resolution) {
        throw new UnsupportedOperationException("read-only");
      }
    };
  }
}
