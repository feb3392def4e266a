package io.glasswatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;

class KafkaTestSupportTest {

  @Test
  void uniqueTopicsAreLegalAndNeverRepeat() {
    Set<String> names = new HashSet<>();
    IntStream.range(0, 1000).forEach(i -> names.add(KafkaTestSupport.uniqueTopic("alerts")));

    assertThat(names).hasSize(1000).allSatisfy(n -> {
      assertThat(n).startsWith("alerts-");
      Topic.validate(n);
    });
  }
}
