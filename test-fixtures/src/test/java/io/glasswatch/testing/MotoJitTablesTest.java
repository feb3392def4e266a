package io.glasswatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.config.GlasswatchSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class MotoJitTablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void convertsTheControllersDynamoDbJsonTypesInOrder() throws Exception {
    JsonNode item = json("""
        {"request_id": {"S": "r-1"}, "duration_minutes": {"N": "60"}, "approved": {"BOOL": true},
         "target": {"M": {"account_id": {"S": "123456789012"}}}}""");

    Map<String, AttributeValue> a = MotoJitTables.attributes(item);

    assertThat(a).containsExactly(
        Map.entry("request_id", AttributeValue.fromS("r-1")),
        Map.entry("duration_minutes", AttributeValue.fromN("60")),
        Map.entry("approved", AttributeValue.fromBool(true)),
        Map.entry("target", AttributeValue.fromM(Map.of("account_id", AttributeValue.fromS("123456789012")))));
  }

  @Test
  void aTypeTheControllerNeverWritesIsRefusedNamingIt() throws Exception {
    assertThatThrownBy(() -> MotoJitTables.attributes(json("{\"tags\": {\"SS\": [\"a\"]}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SS");
  }

  @Test
  void tellsTheTableAndRequestOfAPutItemBody() throws Exception {
    JsonNode put = json("{\"TableName\": \"jit_audit\", \"Item\": {\"request_id\": {\"S\": \"r-7\"}}}");

    assertThat(MotoJitTables.writes(put, MotoJitTables.AUDIT)).isTrue();
    assertThat(MotoJitTables.writes(put, MotoJitTables.REQUESTS)).isFalse();
    assertThat(MotoJitTables.requestId(put)).isEqualTo("r-7");
  }

  @Test
  void withoutMotoNoTablesAreCreated() {
    GlasswatchSettings noMoto = GlasswatchSettings.builder().build();

    assertThatThrownBy(() -> MotoJitTables.create(noMoto)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(GlasswatchSettings.SSO_ENDPOINT);
  }

  @Test
  void aMissingPutItemFileIsReportedByName() {
    // the file is a test resource of the modules that use it, not of this one
    assertThatThrownBy(MotoJitTables::controllerPutItems).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(MotoJitTables.PUT_ITEMS_RESOURCE);
  }
}
