package io.glasswatch.alerts.oncall;

import java.net.URI;

/**
 * Where a chat channel ({@link SlackChannel}, {@link MattermostChannel}) posts: its incoming webhook
 * and retry bounds.
 *
 * @param webhookUrl the incoming webhook URL (the secret; masked in {@link #toString()}); the channel
 *     checks that it is http(s)
 * @param retry retry bounds
 */
public record ChatWebhook(URI webhookUrl, HttpPoster.Retry retry) {
  @Override
  public String toString() {
    return "ChatWebhook{webhookUrl=" + HttpPoster.redact(webhookUrl) + ", retry=" + retry + "}";
  }
}
