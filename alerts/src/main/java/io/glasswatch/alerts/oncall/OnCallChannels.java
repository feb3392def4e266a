package io.glasswatch.alerts.oncall;

import io.glasswatch.alerts.delivery.AlertChannel;
import io.glasswatch.alerts.delivery.WebhookChannel;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the on-call channels and the routing from settings and the policy file.
 *
 * <p>A channel exists when its keys are set: {@code alerts.webhook.url} (signed webhook),
 * {@code alerts.pagerduty.routing-key}, {@code alerts.slack.webhook-url},
 * {@code alerts.mattermost.webhook-url}, {@code alerts.email.smtp-host} (with
 * {@code alerts.email.from} and {@code alerts.email.to}); the console channel always exists. The
 * routing is the {@code routing:} section of {@code policy.file} (or {@link Routing#everything}
 * over the configured channels). Give-up time of every channel: the routing's {@code giveUpAfter}.
 */
public final class OnCallChannels {
  private OnCallChannels() {}

  /**
   * The configured channels and the routing.
   *
   * @param channels the channels, console first
   * @param routing the routing over them
   */
  public record Setup(List<NoticeChannel> channels, Routing routing) {}

  /**
   * Reads settings and the policy file.
   *
   * @param settings Glasswatch settings
   * @param policyFile the policy file, or null for none
   * @param console the console channel
   * @return channels and routing
   * @throws ConfigException on invalid channel keys or routing section, listing every problem
   */
  public static Setup fromSettings(GlasswatchSettings settings, Path policyFile, AlertChannel console) {
    List<String> names = new ArrayList<>(List.of(console.name()));
    if (settings.isSet(GlasswatchSettings.WEBHOOK_URL)) {
      names.add(WebhookChannel.NAME);
    }
    if (settings.isSet(GlasswatchSettings.PAGERDUTY_ROUTING_KEY)) {
      names.add(PagerDutyChannel.NAME);
    }
    if (settings.isSet(GlasswatchSettings.SLACK_WEBHOOK_URL)) {
      names.add(SlackChannel.NAME);
    }
    if (settings.isSet(GlasswatchSettings.MATTERMOST_WEBHOOK_URL)) {
      names.add(MattermostChannel.NAME);
    }
    if (settings.isSet(GlasswatchSettings.EMAIL_SMTP_HOST)) {
      names.add(EmailChannel.NAME);
    }
    Routing routing = policyFile != null && Files.isRegularFile(policyFile) ? RoutingFile.load(policyFile, names)
        : Routing.everything(names);
    HttpPoster.Retry retry = HttpPoster.Retry.defaults().withGiveUpAfter(routing.giveUpAfter());
    List<NoticeChannel> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    out.add(new LegacyChannel(console));
    try {
      WebhookChannel.fromSettings(settings).ifPresent(w -> out.add(new LegacyChannel(w)));
      if (names.contains(PagerDutyChannel.NAME)) {
        out.add(new PagerDutyChannel(new PagerDutyChannel.Options(URI.create(settings.get(GlasswatchSettings.PAGERDUTY_URL)),
            settings.get(GlasswatchSettings.PAGERDUTY_ROUTING_KEY), retry)));
      }
      if (names.contains(SlackChannel.NAME)) {
        out.add(new SlackChannel(new ChatWebhook(URI.create(settings.get(GlasswatchSettings.SLACK_WEBHOOK_URL)), retry)));
      }
      if (names.contains(MattermostChannel.NAME)) {
        out.add(new MattermostChannel(new ChatWebhook(
            URI.create(settings.get(GlasswatchSettings.MATTERMOST_WEBHOOK_URL)), retry)));
      }
      if (names.contains(EmailChannel.NAME)) {
        int port = Integer.parseInt(settings.get(GlasswatchSettings.EMAIL_SMTP_PORT).strip());
        out.add(new EmailChannel(new EmailChannel.Options(settings.get(GlasswatchSettings.EMAIL_SMTP_HOST), port,
            settings.getBoolean(GlasswatchSettings.EMAIL_STARTTLS), settings.get(GlasswatchSettings.EMAIL_USERNAME),
            settings.get(GlasswatchSettings.EMAIL_PASSWORD), settings.get(GlasswatchSettings.EMAIL_FROM),
            Arrays.stream(settings.get(GlasswatchSettings.EMAIL_TO).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
            retry)));
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      out.forEach(NoticeChannel::close);
      throw new ConfigException(problems);
    }
    return new Setup(out, routing);
  }
}
