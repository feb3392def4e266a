package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.alerts.testing.TestAlerts;
import io.glasswatch.schema.Alert;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertJsonTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void writesEverySpecFieldInOrderWithIsoUtcTimes() throws Exception {
    JsonNode n = mapper.readTree(AlertJson.toJson(TestAlerts.rootUse("a-1")));
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("alertId", "alertType", "severity", "correlationId", "requestId", "accountId",
        "subject", "evidence", "detectedAt", "eventTime", "summary", "runbook", "actions", "revokedRequestIds");
    assertThat(n.get("alertId").asText()).isEqualTo("a-1");
    assertThat(n.get("alertType").asText()).isEqualTo("UNAUTHORIZED_ROOT_USE");
    assertThat(n.get("severity").asText()).isEqualTo("critical");
    assertThat(n.get("correlationId").asText()).isEqualTo("account:123456789012");
    assertThat(n.get("requestId").isNull()).isTrue();
    assertThat(n.get("accountId").asText()).isEqualTo("123456789012");
    assertThat(n.get("evidence")).hasSize(3);
    assertThat(n.get("evidence").get(0).asText()).isEqualTo("ct-1");
    assertThat(n.get("detectedAt").asText()).isEqualTo("2024-05-01T10:20:30.120Z");
    assertThat(n.get("eventTime").asText()).isEqualTo("2024-05-01T10:15:30Z");
    assertThat(n.get("runbook").asText()).startsWith("https://");
    assertThat(n.get("actions").get(0).asText()).isEqualTo("page");
    assertThat(n.get("actions").get(1).asText()).isEqualTo("revoke");
    assertThat(n.get("revokedRequestIds").get(0).asText()).isEqualTo("req-7");
  }

  @Test
  void writesNullsForUnknownOptionalFieldsAndEmptyArrays() throws Exception {
    Alert a = Alert.newBuilder(TestAlerts.rootUse("a-2")).setAccountId(null).setSubject(null)
        .setActions(List.of()).setRevokedRequestIds(List.of()).build();
    JsonNode n = mapper.readTree(AlertJson.toJson(a));
    assertThat(n.get("accountId").isNull()).isTrue();
    assertThat(n.get("subject").isNull()).isTrue();
    assertThat(n.get("actions").isArray()).isTrue();
    assertThat(n.get("actions")).isEmpty();
  }

  @Test
  void isCompactAndStableSoTheSignedBytesAreReproducible() {
    Alert a = TestAlerts.rootUse("a-3");
    assertThat(AlertJson.toJson(a)).doesNotContain("\n").doesNotContain(": ");
    assertThat(AlertJson.toJsonBytes(a)).isEqualTo(AlertJson.toJsonBytes(Alert.newBuilder(a).build()));
  }
}
