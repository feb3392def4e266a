package io.glasswatch.alerts.oncall;

import io.glasswatch.config.GlasswatchSettings;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which on-call channels are configured and where they deliver: the {@code alerts.*} settings, read
 * and validated once ({@link #read}). A channel exists when its key is set: {@code alerts.webhook.url},
 * {@code alerts.pagerduty.routing-key}, {@code alerts.slack.webhook-url},
 * {@code alerts.mattermost.webhook-url}, {@code alerts.email.smtp-host}; the console always exists.
 * Retry bounds are not settings: they come from the routing's {@code giveUpAfter}. Secrets (webhook
 * secret, routing key, chat webhook URLs, SMTP password) are masked in {@link #toString()}.
 *
 * @param webhook the signed webhook, when configured
 * @param pagerDuty PagerDuty Events API v2, when configured
 * @param slack Slack incoming webhook URL (a secret), when configured
 * @param mattermost Mattermost incoming webhook URL (a secret), when configured
 * @param email SMTP email, when configured
 */
public record ChannelSettings(Optional<Webhook> webhook, Optional<PagerDuty> pagerDuty, Optional<URI> slack,
    Optional<URI> mattermost, Optional<Email> email) {

  /**
   * The signed webhook.
   *
   * @param url http(s) URL of the receiver (may embed a token)
   * @param keyId {@code X-Glasswatch-Key-Id}
   * @param secret HMAC-SHA256 key
   */
  public record Webhook(URI url, String keyId, String secret) {
    @Override
    public String toString() {
      return "Webhook{url=" + HttpPoster.redact(url) + ", keyId=" + keyId + ", secret=****}";
    }
  }

  /**
   * PagerDuty.
   *
   * @param url Events API v2 enqueue endpoint
   * @param routingKey integration key (secret)
   */
  public record PagerDuty(URI url, String routingKey) {
    @Override
    public String toString() {
      return "PagerDuty{url=" + HttpPoster.redact(url) + ", routingKey=****}";
    }
  }

  /**
   * SMTP email.
   *
   * @param host SMTP host
   * @param port SMTP port, 1-65535
   * @param startTls whether STARTTLS is required
   * @param username SMTP AUTH user, empty for none
   * @param password SMTP AUTH password (secret)
   * @param from sender address
   * @param to recipients
   */
  public record Email(String host, int port, boolean startTls, String username, String password, String from,
      List<String> to) {
    /** Copies the recipients. */
    public Email {
      to = List.copyOf(to);
    }

    @Override
    public String toString() {
      return "Email{host=" + host + ", port=" + port + ", startTls=" + startTls + ", username=" + username
          + ", password=" + (password.isEmpty() ? "" : "****") + ", from=" + from + ", to=" + to + "}";
    }
  }

  /** No channel but the console. */
  public static ChannelSettings none() {
    return new ChannelSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Reads the {@code alerts.*} keys.
   *
   * @param s the settings
   * @param problems receives every problem as {@code <key>: expected <form>[, got <value>]} (secrets never shown)
   * @return the channel settings (meaningless when problems were added)
   */
  public static ChannelSettings read(GlasswatchSettings s, List<String> problems) {
    Optional<Webhook> webhook = Optional.empty();
    if (s.isSet(GlasswatchSettings.WEBHOOK_URL)) {
      URI url = httpUrl(s, GlasswatchSettings.WEBHOOK_URL, problems);
      String keyId = s.get(GlasswatchSettings.WEBHOOK_KEY_ID);
      if (!keyId.matches("[\\x21-\\x7e]{1,128}")) {
        problems.add(GlasswatchSettings.WEBHOOK_KEY_ID + ": expected 1-128 printable ASCII characters without spaces");
      }
      String secret = s.get(GlasswatchSettings.WEBHOOK_SECRET);
      if (secret.isEmpty()) {
        problems.add(GlasswatchSettings.WEBHOOK_SECRET + ": required when " + GlasswatchSettings.WEBHOOK_URL
            + " is set (HMAC-SHA256 key)");
      }
      webhook = Optional.of(new Webhook(url, keyId, secret));
    }
    Optional<PagerDuty> pagerDuty = Optional.empty();
    if (s.isSet(GlasswatchSettings.PAGERDUTY_ROUTING_KEY)) {
      pagerDuty = Optional.of(new PagerDuty(httpUrl(s, GlasswatchSettings.PAGERDUTY_URL, problems),
          s.get(GlasswatchSettings.PAGERDUTY_ROUTING_KEY).strip()));
    }
    Optional<URI> slack = s.isSet(GlasswatchSettings.SLACK_WEBHOOK_URL)
        ? Optional.ofNullable(httpUrl(s, GlasswatchSettings.SLACK_WEBHOOK_URL, problems)) : Optional.empty();
    Optional<URI> mattermost = s.isSet(GlasswatchSettings.MATTERMOST_WEBHOOK_URL)
        ? Optional.ofNullable(httpUrl(s, GlasswatchSettings.MATTERMOST_WEBHOOK_URL, problems)) : Optional.empty();
    Optional<Email> email = s.isSet(GlasswatchSettings.EMAIL_SMTP_HOST) ? Optional.of(email(s, problems)) : Optional.empty();
    return new ChannelSettings(webhook, pagerDuty, slack, mattermost, email);
  }

  private static Email email(GlasswatchSettings s, List<String> problems) {
    int port = -1;
    String portText = s.get(GlasswatchSettings.EMAIL_SMTP_PORT).strip();
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      problems.add(GlasswatchSettings.EMAIL_SMTP_PORT + ": expected a port 1-65535, got '" + portText + "'");
    }
    String starttls = s.get(GlasswatchSettings.EMAIL_STARTTLS).strip();
    if (!starttls.equalsIgnoreCase("true") && !starttls.equalsIgnoreCase("false")) {
      problems.add(GlasswatchSettings.EMAIL_STARTTLS + ": expected true or false, got '" + starttls + "'");
    }
    String from = s.get(GlasswatchSettings.EMAIL_FROM).strip();
    if (!EmailChannel.Options.valid(from)) {
      problems.add(GlasswatchSettings.EMAIL_FROM + ": expected an email address, got '" + from + "'");
    }
    List<String> to = Arrays.stream(s.get(GlasswatchSettings.EMAIL_TO).split(",")).map(String::strip)
        .filter(x -> !x.isEmpty()).toList();
    if (to.isEmpty() || !to.stream().allMatch(EmailChannel.Options::valid)) {
      problems.add(GlasswatchSettings.EMAIL_TO + ": expected comma-separated email addresses, got " + to);
    }
    return new Email(s.get(GlasswatchSettings.EMAIL_SMTP_HOST).strip(), port, Boolean.parseBoolean(starttls),
        s.get(GlasswatchSettings.EMAIL_USERNAME), s.get(GlasswatchSettings.EMAIL_PASSWORD), from, to);
  }

  /** The key's value as an http(s) URL; the value is never quoted in the problem (it may hold a token). */
  private static URI httpUrl(GlasswatchSettings s, String key, List<String> problems) {
    try {
      URI u = URI.create(s.get(key).strip());
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    problems.add(key + ": expected an http:// or https:// URL");
    return null;
  }

  /**
   * The names of the configured channels, console first, in the order the dispatcher lists them.
   *
   * @return e.g. {@code [console, webhook, pagerduty, slack]}
   */
  public List<String> names() {
    List<String> names = new java.util.ArrayList<>(List.of(ConsoleChannel.NAME));
    webhook.ifPresent(w -> names.add(WebhookChannel.NAME));
    pagerDuty.ifPresent(p -> names.add(PagerDutyChannel.NAME));
    slack.ifPresent(u -> names.add(SlackChannel.NAME));
    mattermost.ifPresent(u -> names.add(MattermostChannel.NAME));
    email.ifPresent(e -> names.add(EmailChannel.NAME));
    return List.copyOf(names);
  }

  @Override
  public String toString() {
    return "ChannelSettings{webhook=" + webhook.map(Webhook::toString).orElse("off") + ", pagerDuty="
        + pagerDuty.map(PagerDuty::toString).orElse("off") + ", slack=" + slack.map(HttpPoster::redact).orElse("off")
        + ", mattermost=" + mattermost.map(HttpPoster::redact).orElse("off") + ", email="
        + email.map(Email::toString).orElse("off") + "}";
  }
}
