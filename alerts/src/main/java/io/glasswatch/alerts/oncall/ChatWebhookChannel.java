package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A chat incoming webhook (Slack, Mattermost): one JSON message per notice, posted by an
 * {@link HttpPoster} with its retry bounds; subclasses give the message format. The webhook URL is the
 * secret: it is masked in {@link #toString()} and never logged.
 */
abstract class ChatWebhookChannel implements NoticeChannel {
  private final String name;
  private final URI webhookUrl;
  private final HttpPoster.Retry retry;
  private final HttpPoster poster;

  /**
   * A channel posting to {@code webhook}.
   *
   * @param name channel name (delivery keys, routing rules)
   * @param key the setting the webhook URL comes from, named in the error
   * @param webhook the incoming webhook URL and retry bounds
   * @throws IllegalArgumentException when the URL is not http(s)
   */
  ChatWebhookChannel(String name, String key, ChatWebhook webhook) {
    URI url = webhook.webhookUrl();
    if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
      throw new IllegalArgumentException(key + ": expected an http:// or https:// URL");
    }
    this.name = name;
    this.webhookUrl = url;
    this.retry = webhook.retry();
    this.poster = new HttpPoster(name, url, retry);
  }

  /** The JSON message of a notice, in the service's format. */
  abstract ObjectNode render(Notice notice);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int deliver(Notice notice, AttemptListener attempts) throws DeliveryException {
    return poster.post(notice.key(), render(notice).toString().getBytes(StandardCharsets.UTF_8), Map.of(), attempts);
  }

  @Override
  public final void close() {
    poster.close();
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName() + "{webhookUrl=" + HttpPoster.redact(webhookUrl) + ", retry=" + retry + "}";
  }
}
