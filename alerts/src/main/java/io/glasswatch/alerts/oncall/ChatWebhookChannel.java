package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.alerts.delivery.DeliveryException;
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
   * A channel posting to {@code webhookUrl}.
   *
   * @param name channel name (delivery keys, routing rules)
   * @param webhookUrl the incoming webhook URL, http(s)
   * @param retry retry bounds
   */
  ChatWebhookChannel(String name, URI webhookUrl, HttpPoster.Retry retry) {
    this.name = name;
    this.webhookUrl = webhookUrl;
    this.retry = retry;
    this.poster = new HttpPoster(name, webhookUrl, retry);
  }

  /**
   * Checks that {@code url} is an http(s) URL.
   *
   * @param key the setting the URL comes from, named in the error
   * @throws IllegalArgumentException otherwise
   */
  static void requireHttp(URI url, String key) {
    if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
      throw new IllegalArgumentException(key + ": expected an http:// or https:// URL");
    }
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
