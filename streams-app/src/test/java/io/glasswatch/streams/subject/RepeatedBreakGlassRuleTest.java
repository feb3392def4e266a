package io.glasswatch.streams.subject;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.Alert;
import io.glasswatch.streams.correlation.SubjectRequest;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RepeatedBreakGlassRule} against a fake context. */
class RepeatedBreakGlassRuleTest {
  private static final long DAY = 24 * 3_600_000L;
  private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private final RepeatedBreakGlassRule rule = new RepeatedBreakGlassRule();
  private final List<Alert> raised = new ArrayList<>();
  private final SubjectContext ctx = new SubjectContext() {
    @Override
    public long now() {
      return T0 + 40 * DAY;
    }

    @Override
    public Policy policy(String accountId, String tenant) {
      return Policy.defaults();
    }

    @Override
    public void raise(AlertBuilder b) {
      raised.add(b.build());
    }
  };

  private void request(SubjectState s, int n, long at) {
    rule.onRequest(s, new SubjectRequest("req-" + n, "alice", "111122223333", null, "req-" + n + "/request/1", at), ctx);
  }

  @Test
  void theFourthRequestWithin30DaysRaisesOnceOnTheCrossingRequest() {
    SubjectState s = new SubjectState("alice");
    for (int i = 1; i <= 6; i++) {
      request(s, i, T0 + i * DAY);
    }

    assertThat(raised).singleElement().satisfies(a -> {
      assertThat(a.getCorrelationId()).isEqualTo("req-4");
      assertThat(a.getEvidence()).hasSize(4);
    });
  }

  @Test
  void threeRequestsAreWithinTheThresholdAndOneOutsideTheWindowDoesNotCount() {
    SubjectState s = new SubjectState("alice");
    for (int i = 1; i <= 3; i++) {
      request(s, i, T0 + i * DAY);
    }
    request(s, 4, T0 + 31 * DAY + 1);

    assertThat(raised).isEmpty();
  }
}
