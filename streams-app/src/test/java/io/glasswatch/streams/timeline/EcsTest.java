package io.glasswatch.streams.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcsTest {
  /** The regular expression the IPv4 check replaces. */
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "192.0.2.1, 192.0.2.1",
      "' 10.0.0.255 ', 10.0.0.255",
      "0.0.0.0, 0.0.0.0",
      "2001:db8::1, 2001:db8::1",
      "::ffff:192.0.2.1, ::ffff:192.0.2.1",
      "256.1.1.1, null",
      "01.2.3.4, null",
      "1.2.3, null",
      "1.2.3.4., null",
      "1.2.3.4.5, null",
      "1..2.3, null",
      "1.2.3.1000, null",
      "sso.amazonaws.com, null",
      "AWS Internal, null",
      "2001:db8:::zz, null",
      "1:2:3, null",
      "null, null"})
  void keepsOnlyIpLiterals(String input, String expected) {
    assertThat(Ecs.ipOrNull(input)).isEqualTo(expected);
  }

  @Property(tries = 3000)
  void theIpv4CheckAgreesWithTheRegularExpression(@ForAll("dottedText") String v) {
    assertThat(Ecs.isIpv4(v)).as(v).isEqualTo(IPV4.matcher(v).matches());
  }

  @Provide
  Arbitrary<String> dottedText() {
    Arbitrary<String> part = Arbitraries.oneOf(Arbitraries.integers().between(0, 300).map(String::valueOf),
        Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(4),
        Arbitraries.strings().withChars("0123456789.a ").ofMaxLength(3));
    return Arbitraries.oneOf(part.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join(".", parts)),
        Arbitraries.strings().withChars("0123456789.").ofMaxLength(18),
        Arbitraries.strings().all().ofMaxLength(16));
  }
}
