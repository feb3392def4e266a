package io.glasswatch.alerts.oncall;

import io.glasswatch.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the on-call channels and the routing from the validated {@link ChannelSettings} and the
 * policy file's {@code routing:} section (or {@link Routing#everything} over the configured channels
 * when there is no policy file). The console channel always exists and comes first. Every HTTP and
 * SMTP channel retries with {@link HttpPoster.Retry#defaults()} until the routing's
 * {@code giveUpAfter}.
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
   * Builds the channels.
   *
   * @param settings the validated channel settings
   * @param policyFile the policy file, or null for none
   * @param console the console channel
   * @return channels and routing
   * @throws ConfigException on an invalid routing section, listing every problem
   */
  public static Setup create(ChannelSettings settings, Path policyFile, ConsoleChannel console) {
    List<String> names = settings.names();
    Routing routing = policyFile != null && Files.isRegularFile(policyFile) ? RoutingFile.load(policyFile, names)
        : Routing.everything(names);
    HttpPoster.Retry retry = HttpPoster.Retry.defaults().withGiveUpAfter(routing.giveUpAfter());
    List<NoticeChannel> out = new ArrayList<>();
    out.add(console);
    settings.webhook().ifPresent(w -> out.add(new WebhookChannel(new WebhookChannel.Options(w.url(), w.keyId(), w.secret(),
        retry))));
    settings.pagerDuty().ifPresent(p -> out.add(new PagerDutyChannel(new PagerDutyChannel.Options(p.url(), p.routingKey(),
        retry))));
    settings.slack().ifPresent(u -> out.add(new SlackChannel(new ChatWebhook(u, retry))));
    settings.mattermost().ifPresent(u -> out.add(new MattermostChannel(new ChatWebhook(u, retry))));
    settings.email().ifPresent(e -> out.add(new EmailChannel(new EmailChannel.Options(e.host(), e.port(), e.startTls(),
        e.username(), e.password(), e.from(), e.to(), retry))));
    return new Setup(out, routing);
  }
}
