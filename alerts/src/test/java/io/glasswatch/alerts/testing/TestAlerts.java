package io.glasswatch.alerts.testing;

import io.glasswatch.schema.Alert;
import java.time.Instant;
import java.util.List;

/** Sample alerts. */
public final class TestAlerts {
  private TestAlerts() {}

  /** An UNAUTHORIZED_ROOT_USE alert with three evidence ids and every optional field set. */
  public static Alert rootUse(String alertId) {
    return Alert.newBuilder()
        .setAlertId(alertId)
        .setAlertType("UNAUTHORIZED_ROOT_USE")
        .setSeverity("critical")
        .setCorrelationId("account:123456789012")
        .setRequestId(null)
        .setAccountId("123456789012")
        .setSubject("root")
        .setEvidence(List.of("ct-1", "ct-2", "gd-1"))
        .setDetectedAt(Instant.parse("2024-05-01T10:20:30.120Z"))
        .setEventTime(Instant.parse("2024-05-01T10:15:30Z"))
        .setSummary("Root user activity in account 123456789012 without a covering break-glass grant.")
        .setRunbook("https://runbooks.example.com/break-glass#unauthorized-root-use")
        .setActions(List.of("page", "revoke"))
        .setRevokedRequestIds(List.of("req-7"))
        .build();
  }
}
