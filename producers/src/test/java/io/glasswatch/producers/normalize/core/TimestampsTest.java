package io.glasswatch.producers.normalize.core;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void gatewayTimestampsNeedAZone() {
    assertThat(Timestamps.parseGateway("2024-05-01T12:00:00Z")).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    assertThat(Timestamps.parseGateway("2024-05-01T14:00:00.123456+02:00")).isEqualTo(Instant.parse("2024-05-01T12:00:00.123Z"));
    assertThatThrownBy(() -> Timestamps.parseGateway("2024-05-01T12:00:00")).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parseGateway("2024-02-30T12:00:00Z")).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parseGateway("yesterday")).isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void awsTimestampsAcceptDataLakeFormsAndEpochSeconds() {
    assertThat(Timestamps.parseAws("2023-01-10 21:04:02")).isEqualTo(Instant.parse("2023-01-10T21:04:02Z"));
    assertThat(Timestamps.parseAws("2025-02-25 20:40:06.000000000")).isEqualTo(Instant.parse("2025-02-25T20:40:06Z"));
    assertThat(Timestamps.parseAws("2021-11-18T09:41:02-08:00")).isEqualTo(Instant.parse("2021-11-18T17:41:02Z"));
    assertThat(Timestamps.parseAws(JsonNodeFactory.instance.numberNode(1637257262.5d)))
        .isEqualTo(Instant.parse("2021-11-18T17:41:02.500Z"));
    assertThatThrownBy(() -> Timestamps.parseAws("...")).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parseAws(JsonNodeFactory.instance.booleanNode(true)))
        .isInstanceOf(DateTimeParseException.class);
  }
}
