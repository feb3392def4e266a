package io.glasswatch.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.config.GlasswatchSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local stand-ins for the on-call services, on one HTTP server on 127.0.0.1 (random port): the
 * PagerDuty Events API v2 endpoint ({@code POST /pagerduty/v2/enqueue}, answers 202 with
 * {@code {"status":"success","message":"Event processed","dedup_key":...}} as documented at
 * developer.pagerduty.com/docs/events-api-v2/trigger-events), a Slack incoming webhook
 * ({@code POST /slack/services/demo}, answers 200 {@code ok}, api.slack.com/messaging/webhooks) and a
 * Mattermost incoming webhook ({@code POST /mattermost/hooks/demo}, answers 200 {@code ok},
 * developers.mattermost.com/integrate/webhooks/incoming). A body that is not a JSON object, or a
 * PagerDuty event without {@code routing_key}, {@code event_action} or {@code dedup_key}, is answered
 * 400 and counted as rejected. Every accepted body is kept in arrival order per channel.
 */
public final class OnCallReceivers implements AutoCloseable {
  /** Channel name of PagerDuty. */
  public static final String PAGERDUTY = "pagerduty";
  /** Channel name of Slack. */
  public static final String SLACK = "slack";
  /** Channel name of Mattermost. */
  public static final String MATTERMOST = "mattermost";
  /** Routing key configured for the local PagerDuty endpoint (not a real integration key). */
  public static final String DEMO_ROUTING_KEY = "glasswatch-demo-routing-key";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
  private final AtomicInteger rejected = new AtomicInteger();

  private OnCallReceivers(HttpServer server) {
    this.server = server;
    for (String c : List.of(PAGERDUTY, SLACK, MATTERMOST)) {
      received.put(c, new CopyOnWriteArrayList<>());
      arrivals.put(c, new CopyOnWriteArrayList<>());
    }
  }

  /**
   * Starts the three endpoints.
   *
   * @throws IOException when no loopback port can be bound
   */
  public static OnCallReceivers start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    OnCallReceivers r = new OnCallReceivers(server);
    server.createContext("/pagerduty/v2/enqueue", ex -> r.handle(ex, PAGERDUTY));
    server.createContext("/slack/services/demo", ex -> r.handle(ex, SLACK));
    server.createContext("/mattermost/hooks/demo", ex -> r.handle(ex, MATTERMOST));
    server.setExecutor(Executors.newFixedThreadPool(4, t -> {
      Thread th = new Thread(t, "demo-oncall-receiver");
      th.setDaemon(true);
      return th;
    }));
    server.start();
    return r;
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** URL for {@code alerts.pagerduty.url}. */
  public String pagerDutyUrl() {
    return base() + "/pagerduty/v2/enqueue";
  }

  /** URL for {@code alerts.slack.webhook-url}. */
  public String slackUrl() {
    return base() + "/slack/services/demo";
  }

  /** URL for {@code alerts.mattermost.webhook-url}. */
  public String mattermostUrl() {
    return base() + "/mattermost/hooks/demo";
  }

  /** {@code s} with the PagerDuty, Slack and Mattermost settings pointing at these endpoints. */
  public GlasswatchSettings configure(GlasswatchSettings s) {
    return s.with(GlasswatchSettings.PAGERDUTY_URL, pagerDutyUrl())
        .with(GlasswatchSettings.PAGERDUTY_ROUTING_KEY, DEMO_ROUTING_KEY)
        .with(GlasswatchSettings.SLACK_WEBHOOK_URL, slackUrl())
        .with(GlasswatchSettings.MATTERMOST_WEBHOOK_URL, mattermostUrl());
  }

  private void handle(HttpExchange ex, String channel) throws IOException {
    long now = System.nanoTime();
    byte[] body = ex.getRequestBody().readAllBytes();
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      json = null;
    }
    boolean valid = json != null && json.isObject() && "POST".equals(ex.getRequestMethod())
        && (!PAGERDUTY.equals(channel) || (json.hasNonNull("routing_key") && json.hasNonNull("event_action")
            && json.hasNonNull("dedup_key")));
    if (!valid) {
      rejected.incrementAndGet();
      reply(ex, 400, "{\"status\":\"invalid event\"}");
      return;
    }
    received.get(channel).add(json);
    arrivals.get(channel).add(now);
    if (PAGERDUTY.equals(channel)) {
      reply(ex, 202, JSON.createObjectNode().put("status", "success").put("message", "Event processed")
          .put("dedup_key", json.path("dedup_key").asText()).toString());
    } else {
      reply(ex, 200, "ok");
    }
  }

  private static void reply(HttpExchange ex, int status, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  /** The bodies a channel accepted, in arrival order ({@link #PAGERDUTY}, {@link #SLACK} or {@link #MATTERMOST}). */
  public List<JsonNode> received(String channel) {
    return List.copyOf(received.get(channel));
  }

  /** {@link System#nanoTime()} of each accepted request of {@code channel}, in arrival order. */
  public List<Long> arrivals(String channel) {
    return List.copyOf(arrivals.get(channel));
  }

  /** Requests answered 400. */
  public int rejected() {
    return rejected.get();
  }

  /**
   * One line per channel: how many messages it accepted and one example (PagerDuty: event action,
   * {@code dedup_key}, {@code payload.severity} and summary; Slack: the header block's text;
   * Mattermost: the first attachment's title).
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    List<JsonNode> pd = received(PAGERDUTY);
    long triggers = pd.stream().filter(n -> "trigger".equals(n.path("event_action").asText())).count();
    lines.add(String.format("%-11s %4d events (%d trigger, %d resolve)%s", PAGERDUTY, pd.size(), triggers,
        pd.size() - triggers, pd.isEmpty() ? "" : ", e.g. " + pd.getFirst().path("event_action").asText()
            + " dedup_key=" + pd.getFirst().path("dedup_key").asText() + " severity="
            + pd.getFirst().path("payload").path("severity").asText() + ": "
            + pd.getFirst().path("payload").path("summary").asText()));
    List<JsonNode> slack = received(SLACK);
    lines.add(String.format("%-11s %4d messages%s", SLACK, slack.size(),
        slack.isEmpty() ? "" : ", e.g. header \"" + slackHeader(slack.getFirst()) + "\""));
    List<JsonNode> mm = received(MATTERMOST);
    lines.add(String.format("%-11s %4d messages%s", MATTERMOST, mm.size(),
        mm.isEmpty() ? "" : ", e.g. title \"" + mm.getFirst().path("attachments").path(0).path("title").asText() + "\""));
    return lines;
  }

  /** The text of a Slack message's header block, else its {@code text}. */
  public static String slackHeader(JsonNode message) {
    for (JsonNode b : message.path("blocks")) {
      if ("header".equals(b.path("type").asText())) {
        return b.path("text").path("text").asText();
      }
    }
    return message.path("text").asText();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
