package io.glasswatch.alerts.oncall;

import io.glasswatch.config.GlasswatchSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * An on-call dispatcher alone in its own JVM, with one Slack channel, so that a test can kill the
 * process with SIGKILL. Arguments: Kafka bootstrap, registry URL, alerts topic, alert-resolutions topic,
 * revoke-results topic, deliveries topic, dead-letter topic, delivery-events topic, consumer group, Slack webhook URL. Runs
 * until killed.
 */
public final class DispatcherProcess {
  private DispatcherProcess() {}

  /** Entry point (see class Javadoc). */
  public static void main(String[] args) {
    GlasswatchSettings settings = GlasswatchSettings.builder()
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, args[0])
        .set(GlasswatchSettings.REGISTRY_URL, args[1])
        .build();
    HttpPoster.Retry retry = new HttpPoster.Retry(Duration.ofSeconds(1), Duration.ofSeconds(30),
        Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(60));
    Routing routing = new Routing(List.of(), List.of(SlackChannel.NAME), List.of(SlackChannel.NAME), null,
        Duration.ofSeconds(60), Routing.Storm.DEFAULT, Links.NONE);
    OnCallDispatcher.Options options = OnCallDispatcher.Options.defaults()
        .withTopics(args[2], args[3], args[4], args[5], args[6], args[7]).withGroupId(args[8]);
    OnCallDispatcher d = new OnCallDispatcher(settings,
        List.of(new SlackChannel(new ChatWebhook(URI.create(args[9]), retry))), routing, options);
    System.out.println("dispatcher started");
    d.run();
  }
}
