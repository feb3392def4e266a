package io.glasswatch.streams.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcsTest {
  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "192.0.2.1, 192.0.2.1",
      "' 10.0.0.255 ', 10.0.0.255",
      "2001:db8::1, 2001:db8::1",
      "::ffff:192.0.2.1, ::ffff:192.0.2.1",
      "256.1.1.1, null",
      "sso.amazonaws.com, null",
      "AWS Internal, null",
      "2001:db8:::zz, null",
      "1:2:3, null",
      "null, null"})
  void keepsOnlyIpLiterals(String input, String expected) {
    assertThat(Ecs.ipOrNull(input)).isEqualTo(expected);
  }
}
