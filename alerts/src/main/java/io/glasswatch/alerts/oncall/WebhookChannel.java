package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.RevokeResult;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The signed on-call webhook: POSTs each alert's JSON ({@link AlertJson}) and each enforcement
 * notice ("access revoked", "late revoke", "revoke failed") to one URL, signed with HMAC-SHA256.
 *
 * <p>Request: {@code POST <url>}, {@code Content-Type: application/json}, headers
 * {@code X-Glasswatch-Key-Id}, {@code X-Glasswatch-Timestamp} (epoch seconds),
 * {@code X-Glasswatch-Nonce} (128-bit random, hex), {@code X-Glasswatch-Signature: v1=<hex
 * HMAC-SHA256 over "<timestamp>.<nonce>.<body>">} ({@link WebhookSignature}) and
 * {@code Idempotency-Key}: the alert id for alerts, {@code revoke:<commandId>} (plus
 * {@code :deadline-missed} for a missed deadline) for enforcement notices. Each attempt is signed
 * afresh (new timestamp and nonce, same idempotency key).
 *
 * <p>Bodies: an alert is {@link AlertJson#toJsonBytes}; an enforcement notice is
 * {@link #enforcementJson(Notice)}. Resolutions, digests and storm reports are not sent here.
 *
 * <p>Retries are {@link HttpPoster}'s (the one retry policy of every HTTP channel): timeouts,
 * connection errors, 429 (honouring {@code Retry-After}) and 5xx with jittered exponential backoff
 * until the give-up time; other statuses are final. The URL may embed a token and is never logged
 * beyond its scheme, host and port; the secret is never logged.
 */
public final class WebhookChannel implements NoticeChannel {
  /** The channel name used in delivery keys. */
  public static final String NAME = "webhook";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Where and how to deliver.
   *
   * @param url http or https URL of the receiver; may embed a token (never logged)
   * @param keyId value of {@code X-Glasswatch-Key-Id}; printable ASCII, no spaces
   * @param secret HMAC-SHA256 key (UTF-8 bytes are used); non-empty; masked in {@link #toString()}
   * @param retry timeouts, backoff and give-up time
   */
  public record Options(URI url, String keyId, String secret, HttpPoster.Retry retry) {

    /** Validates every field at once. @throws ConfigException listing each problem */
    public Options {
      List<String> problems = new ArrayList<>();
      if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
        problems.add(GlasswatchSettings.WEBHOOK_URL + ": expected an http:// or https:// URL");
      }
      if (keyId == null || !keyId.matches("[\\x21-\\x7e]{1,128}")) {
        problems.add(GlasswatchSettings.WEBHOOK_KEY_ID + ": expected 1-128 printable ASCII characters without spaces");
      }
      if (secret == null || secret.isEmpty()) {
        problems.add(GlasswatchSettings.WEBHOOK_SECRET + ": required (HMAC-SHA256 key)");
      }
      if (retry == null) {
        problems.add("webhook retry: required");
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
    }

    /**
     * Options with {@link HttpPoster.Retry#defaults()}.
     *
     * @param url http or https URL of the receiver
     * @param keyId value of {@code X-Glasswatch-Key-Id}
     * @param secret HMAC-SHA256 key
     * @return validated options
     * @throws ConfigException listing every invalid value
     */
    public static Options of(URI url, String keyId, String secret) {
      return new Options(url, keyId, secret, HttpPoster.Retry.defaults());
    }

    /**
     * A copy with other retry bounds.
     *
     * @param r timeouts, backoff and give-up time
     * @return the copy
     */
    public Options withRetry(HttpPoster.Retry r) {
      return new Options(url, keyId, secret, r);
    }

    /** Masks the URL (path, query, user info) and the secret. */
    @Override
    public String toString() {
      return "WebhookChannel.Options{url=" + HttpPoster.redact(url) + ", keyId=" + keyId + ", secret=****, retry="
          + retry + "}";
    }
  }

  private final Options options;
  private final Clock clock;
  private final HttpPoster poster;

  /**
   * A channel with the system clock.
   *
   * @param options where and how to deliver
   */
  public WebhookChannel(Options options) {
    this(options, Clock.systemUTC());
  }

  /**
   * A channel.
   *
   * @param options where and how to deliver
   * @param clock the clock the signature timestamp comes from
   */
  public WebhookChannel(Options options, Clock clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.poster = new HttpPoster(NAME, options.url(), options.retry(), options.secret());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean supports(Notice.Kind kind) {
    return kind == Notice.Kind.ALERT || kind == Notice.Kind.ENFORCEMENT;
  }

  /**
   * The options (their {@code toString()} is masked).
   *
   * @return the options
   */
  public Options options() {
    return options;
  }

  /**
   * POSTs the notice's body, signed, retrying as described in the class Javadoc.
   *
   * @throws DeliveryException permanent on 3xx/4xx (not 429); otherwise once the give-up time passed
   */
  @Override
  public int deliver(Notice notice, AttemptListener attempts) throws DeliveryException {
    byte[] body = notice.kind() == Notice.Kind.ALERT ? AlertJson.toJsonBytes(notice.alert()) : enforcementJson(notice);
    String key = notice.kind() == Notice.Kind.ALERT ? notice.alertId() : notice.key();
    return poster.post(key, body, () -> signatureHeaders(body), attempts);
  }

  private Map<String, String> signatureHeaders(byte[] body) {
    long ts = clock.instant().getEpochSecond();
    String nonce = WebhookSignature.newNonce();
    return Map.of(WebhookSignature.KEY_ID_HEADER, options.keyId(),
        WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts),
        WebhookSignature.NONCE_HEADER, nonce,
        WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(options.secret(), ts, nonce, body));
  }

  /**
   * The body of an enforcement notice: {@code notification} ({@code access revoked}, {@code late revoke},
   * {@code revoke failed}, and for containment steps {@code sessions contained} or {@code containment failed}), {@code commandId}, {@code requestId}, {@code correlationId},
   * {@code trigger}, {@code alertId}, {@code outcome}, {@code accountId}, {@code permissionSetArn},
   * {@code principalType}, {@code principalId}, {@code timeToRevokeMillis} (when confirmed),
   * {@code attempts}, {@code alsoRevokedRequestIds}, {@code revokeFailedAlertId}, {@code failureReason},
   * {@code detail} (the notice's summary), {@code at} (ISO-8601 UTC). No credential or token is part of it.
   *
   * @param notice an {@link Notice.Kind#ENFORCEMENT} notice carrying its revoke result
   * @return UTF-8 JSON
   */
  public static byte[] enforcementJson(Notice notice) {
    RevokeResult r = notice.revoke();
    ObjectNode n = JSON.createObjectNode();
    n.put("notification", Notices.notification(notice));
    n.put("commandId", r == null ? null : r.getCommandId());
    n.put("requestId", notice.requestId());
    n.put("correlationId", notice.correlationId());
    n.put("trigger", r == null ? null : r.getTrigger());
    n.put("alertId", notice.alertId());
    n.put("outcome", r == null ? null : r.getOutcome());
    AccountAssignment a = r == null ? null : r.getAssignment();
    if (a != null) {
      n.put("accountId", a.getAccountId());
      n.put("permissionSetArn", a.getPermissionSetArn());
      n.put("principalType", a.getPrincipalType());
      n.put("principalId", a.getPrincipalId());
    }
    if (r != null) {
      if (r.getTimeToRevokeMillis() != null) {
        n.put("timeToRevokeMillis", r.getTimeToRevokeMillis());
      }
      n.put("attempts", r.getAttempts());
      n.putPOJO("alsoRevokedRequestIds", r.getAlsoRevokedRequestIds() == null ? List.of() : r.getAlsoRevokedRequestIds());
      n.put("revokeFailedAlertId", r.getRevokeFailedAlertId());
      n.put("failureReason", r.getFailureReason());
    }
    n.put("detail", notice.summary());
    n.put("at", AlertJson.iso(notice.at()));
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write notification JSON", e);
    }
  }

  @Override
  public void close() {
    poster.close();
  }

  /** Masked: scheme, host and port of the receiver and the key id only. */
  @Override
  public String toString() {
    return "WebhookChannel{url=" + HttpPoster.redact(options.url()) + ", keyId=" + options.keyId() + "}";
  }
}
