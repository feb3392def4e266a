package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Posts notices to a Slack incoming webhook (api.slack.com/messaging/webhooks) as Block Kit
 * messages (api.slack.com/reference/block-kit/blocks).
 *
 * <p>Body: {@code {"text": <fallback: headline and summary>, "blocks": [header, section, section
 * with fields, (digest section), actions, context]}}: a {@code header} block with the
 * {@code plain_text} headline (at most 150 characters); a {@code section} whose {@code mrkdwn} text
 * is the summary (at most 3000 characters); a {@code section} with four {@code mrkdwn}
 * {@code fields} (Account, Subject, Request, Evidence count); for digests a {@code section} listing
 * the grouped alerts; an {@code actions} block with {@code button} elements linking the Kibana
 * timeline and the runbook (only http(s) links; at most 75 characters of button text); a
 * {@code context} block with the alert id and severity. Slack answers 200 {@code ok}; 4xx (e.g. 404
 * {@code no_service}, 400 {@code invalid_blocks}) is permanent, 429 and 5xx are retried. The webhook
 * URL is the secret and is never logged.
 */
public final class SlackChannel extends ChatWebhookChannel {
  /** The channel name used in delivery keys and routing rules. */
  public static final String NAME = "slack";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A channel.
   *
   * @param webhook webhook URL and retry bounds
   * @throws IllegalArgumentException naming {@code alerts.slack.webhook-url} when the URL is not http(s)
   */
  public SlackChannel(ChatWebhook webhook) {
    super(NAME, "alerts.slack.webhook-url", webhook);
  }

  @Override
  ObjectNode render(Notice notice) {
    return message(notice);
  }

  /**
   * The Block Kit message of a notice (class Javadoc).
   *
   * @param n the notice
   * @return the JSON message
   */
  public static ObjectNode message(Notice n) {
    ObjectNode m = JSON.createObjectNode();
    String headline = ChatText.headline(n);
    m.put("text", cut(headline + ": " + n.summary(), 3000));
    ArrayNode blocks = m.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", cut(headline, 150)).put("emoji", false);
    blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", cut(escape(n.summary()), 3000));
    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    for (String[] f : ChatText.fields(n)) {
      fields.addObject().put("type", "mrkdwn").put("text", "*" + f[0] + "*\n" + escape(f[1]));
    }
    if (!n.grouped().isEmpty()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
          .put("text", cut(escape(String.join("\n", ChatText.groupedLines(n))), 3000));
    }
    ArrayNode buttons = JSON.createArrayNode();
    addButton(buttons, "Timeline in Kibana", n.timelineUrl(), "timeline");
    addButton(buttons, "Runbook", n.runbookUrl(), "runbook");
    if (!buttons.isEmpty()) {
      blocks.addObject().put("type", "actions").set("elements", buttons);
    }
    String ctx = (n.alertId() == null ? "" : "alert " + n.alertId() + " · ") + "severity " + n.severity()
        + (n.correlationId() == null ? "" : " · correlation " + n.correlationId());
    blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn").put("text", cut(escape(ctx), 3000));
    return m;
  }

  private static void addButton(ArrayNode buttons, String text, String url, String id) {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://")) || url.length() > 3000) {
      return;
    }
    ObjectNode b = buttons.addObject().put("type", "button").put("action_id", id).put("url", url);
    b.putObject("text").put("type", "plain_text").put("text", text);
  }

  /** Escapes the three characters Slack's mrkdwn reserves ({@code & < >}). */
  static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
