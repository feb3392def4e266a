package io.glasswatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Pins the shape of the topology: every processor, store and internal topic name. A rename changes the
 * names of changelog and repartition topics, which breaks a running deployment's state; so a change
 * here must be deliberate.
 *
 * <p>To accept a deliberate change, regenerate the golden file and review its diff:
 * {@code mvn -pl streams-app test -Dtest=TopologyDescriptionTest -Dglasswatch.regenerate-golden=true}
 * (writes {@code src/test/resources/topology-description.txt}).
 */
class TopologyDescriptionTest {
  private static final Path GOLDEN = Path.of("src/test/resources/topology-description.txt");

  @Test
  void topologyMatchesTheGoldenFile() throws IOException {
    StreamsSettings settings = StreamsSettings.from(GlasswatchSettings.builder().build());
    String actual = GlasswatchTopology.build(settings, AvroSerdes.embedded()).describe().toString();
    if (Boolean.getBoolean("glasswatch.regenerate-golden")) {
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
    }
    assertThat(GOLDEN).as("golden file; see the class Javadoc to regenerate").exists();
    assertThat(actual)
        .as("topology changed; if deliberate, regenerate with -Dglasswatch.regenerate-golden=true")
        .isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }

  @Test
  void everyStoreAndInternalTopicHasAStableName() {
    String description = GlasswatchTopology.build(StreamsSettings.from(GlasswatchSettings.builder().build()),
        AvroSerdes.embedded()).describe().toString();

    assertThat(description).contains("stores: [request-state, request-deadlines]", "timeline-chain",
        "stores: [subject-state]", "requests-by-subject-repartition", "request-lifecycle-facts-repartition",
        "account-state", "cloudtrail-seen", "guardduty-seen", "request-lifecycle",
        "grant-facts-repartition", "timeline-by-correlation-repartition",
        "revoke-results-by-request-repartition", "account-gateway-events-repartition")
        .doesNotContain("KSTREAM-", "KTABLE-");
  }
}
