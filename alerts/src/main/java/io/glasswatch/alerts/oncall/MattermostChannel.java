package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Posts notices to a Mattermost incoming webhook
 * (developers.mattermost.com/integrate/webhooks/incoming/) with a message attachment
 * (developers.mattermost.com/integrate/reference/message-attachments/).
 *
 * <p>Body: {@code {"username": "Glasswatch", "text": <headline>, "attachments": [{"fallback",
 * "color" (#RRGGBB by severity), "title" (headline), "title_link" (timeline, when present), "text"
 * (summary, for digests followed by the grouped alerts), "fields": [{"short": true, "title":
 * "Account"|"Subject"|"Request"|"Evidence", "value"}, {"short": false, "title": "Links", "value":
 * markdown links to the timeline and the runbook}], "footer": "Glasswatch · alert <id>"}]}}.
 * Mattermost answers 200 {@code ok}; 4xx is permanent, 429 and 5xx are retried. The webhook URL is
 * the secret and is never logged.
 */
public final class MattermostChannel extends ChatWebhookChannel {
  /** The channel name used in delivery keys and routing rules. */
  public static final String NAME = "mattermost";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A channel.
   *
   * @param webhook webhook URL and retry bounds
   * @throws IllegalArgumentException naming {@code alerts.mattermost.webhook-url} when the URL is not http(s)
   */
  public MattermostChannel(ChatWebhook webhook) {
    super(NAME, "alerts.mattermost.webhook-url", webhook);
  }

  @Override
  ObjectNode render(Notice notice) {
    return message(notice);
  }

  /**
   * The incoming-webhook message of a notice (class Javadoc).
   *
   * @param n the notice
   * @return the JSON message
   */
  public static ObjectNode message(Notice n) {
    ObjectNode m = JSON.createObjectNode();
    String headline = ChatText.headline(n);
    m.put("username", "Glasswatch");
    m.put("text", "**" + headline + "**");
    ObjectNode a = m.putArray("attachments").addObject();
    a.put("fallback", headline + ": " + n.summary());
    a.put("color", ChatText.colour(n));
    a.put("title", headline);
    if (n.timelineUrl() != null) {
      a.put("title_link", n.timelineUrl());
    }
    String text = n.summary();
    if (!n.grouped().isEmpty()) {
      text += "\n" + String.join("\n", ChatText.groupedLines(n));
    }
    a.put("text", text);
    ArrayNode fields = a.putArray("fields");
    for (String[] f : ChatText.fields(n)) {
      fields.addObject().put("short", true).put("title", f[0]).put("value", f[1]);
    }
    StringBuilder links = new StringBuilder();
    if (n.timelineUrl() != null) {
      links.append("[Timeline in Kibana](").append(n.timelineUrl()).append(')');
    }
    if (n.runbookUrl() != null) {
      links.append(links.isEmpty() ? "" : " · ").append("[Runbook](").append(n.runbookUrl()).append(')');
    }
    if (!links.isEmpty()) {
      fields.addObject().put("short", false).put("title", "Links").put("value", links.toString());
    }
    a.put("footer", "Glasswatch" + (n.alertId() == null ? "" : " · alert " + n.alertId()));
    return m;
  }
}
