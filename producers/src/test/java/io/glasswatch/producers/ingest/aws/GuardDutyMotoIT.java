package io.glasswatch.producers.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.ingest.common.CheckpointStore;
import io.glasswatch.producers.ingest.IngestKafka;
import io.glasswatch.producers.ingest.common.IngestMetrics;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.guardduty.GuardDutyClient;

/**
 * The GuardDuty poller against moto, as far as moto goes: moto 5.2.1 implements the detector calls
 * (CreateDetector, ListDetectors) but not ListFindings or GetFindings, so this shows the poller
 * listing moto's detectors and then failing cleanly, checkpoint untouched, on the call moto lacks; the
 * findings themselves are tested against the wire-protocol server ({@link GuardDutyPollerIT}).
 */
class GuardDutyMotoIT {
  @Test
  void listsMotosDetectorsAndKeepsTheCheckpointWhenAFindingsCallFails() throws Exception {
    GlasswatchSettings settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.MOTO);
    URI moto = URI.create(settings.get(GlasswatchSettings.SSO_ENDPOINT));
    try (GuardDutyClient gd = GuardDutyClient.builder().endpointOverride(moto).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        IngestKafka kafka = new IngestKafka(settings);
        EventProducer producer = kafka.producer();
        CheckpointStore store = kafka.checkpoints()) {
      String detector = gd.createDetector(r -> r.enable(true)).detectorId();
      assertThat(gd.listDetectors().detectorIds()).contains(detector);
      GuardDutyPoller poller = new GuardDutyPoller(gd, new GuardDutyPoller.Options("123456789012", "us-east-1",
          List.of(), Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMillis(10), 2),
          new RateLimiter(50), store, producer, new IngestMetrics(), Clock.systemUTC());

      assertThatThrownBy(poller::pollOnce).isInstanceOf(AwsIngestException.class).hasMessageContaining("ListFindings");
      assertThat(store.get(poller.checkpointKey())).isEmpty();
      gd.deleteDetector(r -> r.detectorId(detector));
    }
  }
}
