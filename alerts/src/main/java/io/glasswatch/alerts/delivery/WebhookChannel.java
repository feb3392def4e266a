package io.glasswatch.alerts.delivery;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each alert's JSON ({@link AlertJson}) to the on-call webhook, signed with HMAC-SHA256.
 *
 * <p>Request: {@code POST <url>}, {@code Content-Type: application/json}, body
 * {@link AlertJson#toJsonBytes(Alert)}, headers {@code X-Glasswatch-Key-Id},
 * {@code X-Glasswatch-Timestamp} (epoch seconds), {@code X-Glasswatch-Nonce} (128-bit random, hex),
 * {@code X-Glasswatch-Signature: v1=<hex HMAC-SHA256 over "<timestamp>.<nonce>.<body>">} and
 * {@code Idempotency-Key: <alertId>}.
 *
 * <p>Verification rule for receivers (implemented by {@link WebhookSignature#verify}): recompute
 * the HMAC-SHA256, keyed with the UTF-8 shared secret, over {@code <timestamp>.<nonce>.<raw body>};
 * compare with the {@code v1} value in constant time; reject timestamps more than 5 minutes from
 * your clock; deduplicate by {@code Idempotency-Key}. Each attempt is signed afresh (new timestamp
 * and nonce, same idempotency key).
 *
 * <p>Outcome: any 2xx is a delivery. Timeouts, connection errors, 429 and 5xx are retried with
 * jittered exponential backoff ({@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff},
 * the wait drawn uniformly from its upper half), honouring {@code Retry-After} (seconds or HTTP
 * date, capped at {@code maxRetryAfter}) on 429 and 503, up to {@code maxAttempts} attempts in all.
 * Other statuses (3xx, 4xx but 429) are permanent failures. The URL may embed a token and is
 * never logged beyond its scheme, host and port; the secret is never logged.
 */
public final class WebhookChannel implements AlertChannel, AutoCloseable {
  /** The channel name used in delivery keys. */
  public static final String NAME = "webhook";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookChannel.class);

  /**
   * Where and how to deliver.
   *
   * @param url http or https URL of the receiver; may embed a token (never logged)
   * @param keyId value of {@code X-Glasswatch-Key-Id}; printable ASCII, no spaces
   * @param secret HMAC-SHA256 key (UTF-8 bytes are used); non-empty; masked in {@link #toString()}
   * @param connectTimeout TCP/TLS connect timeout
   * @param requestTimeout time allowed for the whole response of one attempt
   * @param maxAttempts attempts in all, 1 to 20
   * @param initialBackoff wait before the second attempt (before jitter)
   * @param maxBackoff cap of the exponential wait
   * @param maxRetryAfter cap of a receiver's {@code Retry-After}
   */
  public record Options(URI url, String keyId, String secret, Duration connectTimeout, Duration requestTimeout,
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

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
      if (maxAttempts < 1 || maxAttempts > 20) {
        problems.add("webhook maxAttempts: expected 1-20, got " + maxAttempts);
      }
      for (Duration d : new Duration[] {connectTimeout, requestTimeout, initialBackoff, maxBackoff, maxRetryAfter}) {
        if (d == null || d.isNegative() || d.isZero()) {
          problems.add("webhook timeouts and backoffs: expected positive durations");
          break;
        }
      }
      if (problems.isEmpty() && initialBackoff.compareTo(maxBackoff) > 0) {
        problems.add("webhook initialBackoff must not exceed maxBackoff");
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
    }

    /**
     * Options with the defaults: connect timeout 5 s, request timeout 10 s, 5 attempts, backoff
     * 500 ms doubling to 8 s, {@code Retry-After} honoured up to 30 s.
     *
     * @param url http or https URL of the receiver
     * @param keyId value of {@code X-Glasswatch-Key-Id}
     * @param secret HMAC-SHA256 key
     * @return validated options
     * @throws ConfigException listing every invalid value
     */
    public static Options of(URI url, String keyId, String secret) {
      return new Options(url, keyId, secret, Duration.ofSeconds(5), Duration.ofSeconds(10), 5,
          Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(30));
    }

    /**
     * From {@code alerts.webhook.url}, {@code alerts.webhook.key-id}, {@code alerts.webhook.secret}
     * with the defaults of {@link #of}.
     *
     * @param settings Glasswatch settings
     * @return empty when {@code alerts.webhook.url} is not set
     * @throws ConfigException when the URL is set but the other keys are invalid
     */
    public static Optional<Options> fromSettings(GlasswatchSettings settings) {
      if (!settings.isSet(GlasswatchSettings.WEBHOOK_URL)) {
        return Optional.empty();
      }
      URI uri;
      try {
        uri = URI.create(settings.get(GlasswatchSettings.WEBHOOK_URL));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(List.of(GlasswatchSettings.WEBHOOK_URL + ": expected an http:// or https:// URL"));
      }
      return Optional.of(of(uri, settings.get(GlasswatchSettings.WEBHOOK_KEY_ID), settings.get(GlasswatchSettings.WEBHOOK_SECRET)));
    }

    /**
     * A copy with other retry bounds.
     *
     * @param attempts attempts in all, 1-20
     * @param initial wait before the second attempt
     * @param max cap of the exponential wait
     * @return the copy
     */
    public Options withRetries(int attempts, Duration initial, Duration max) {
      return new Options(url, keyId, secret, connectTimeout, requestTimeout, attempts, initial, max, maxRetryAfter);
    }

    /**
     * A copy with other timeouts.
     *
     * @param connect connect timeout
     * @param request response timeout of one attempt
     * @return the copy
     */
    public Options withTimeouts(Duration connect, Duration request) {
      return new Options(url, keyId, secret, connect, request, maxAttempts, initialBackoff, maxBackoff, maxRetryAfter);
    }

    /**
     * A copy with another {@code Retry-After} cap.
     *
     * @param cap longest wait a receiver can ask for
     * @return the copy
     */
    public Options withMaxRetryAfter(Duration cap) {
      return new Options(url, keyId, secret, connectTimeout, requestTimeout, maxAttempts, initialBackoff, maxBackoff, cap);
    }

    /**
     * The receiver's URL as safe to log.
     *
     * @return {@code scheme://host[:port]}, followed by {@code /****} when the URL has a path,
     *     query or user info
     */
    public String redactedUrl() {
      if (url == null) {
        return "<none>";
      }
      String base = url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
      boolean more = (url.getRawPath() != null && !url.getRawPath().isEmpty() && !"/".equals(url.getRawPath()))
          || url.getRawQuery() != null || url.getRawUserInfo() != null;
      return more ? base + "/****" : base;
    }

    /** Masks the URL (path, query, user info) and the secret. */
    @Override
    public String toString() {
      return "WebhookChannel.Options{url=" + redactedUrl() + ", keyId=" + keyId + ", secret=****"
          + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
          + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
          + ", maxBackoff=" + maxBackoff + ", maxRetryAfter=" + maxRetryAfter + "}";
    }
  }

  private final Options options;
  private final HttpClient client;
  private final Clock clock;

  /**
   * A channel with its own {@link HttpClient} (HTTP/1.1, no redirects) and the system clock.
   *
   * @param options where and how to deliver
   */
  public WebhookChannel(Options options) {
    this(options, Clock.systemUTC());
  }

  /**
   * A channel with its own {@link HttpClient} (HTTP/1.1, no redirects).
   *
   * @param options where and how to deliver
   * @param clock the clock the signature timestamp comes from
   */
  public WebhookChannel(Options options, Clock clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * A channel from settings.
   *
   * @param settings Glasswatch settings ({@code alerts.webhook.*})
   * @return empty when {@code alerts.webhook.url} is not set
   * @throws ConfigException when the webhook keys are invalid
   */
  public static Optional<WebhookChannel> fromSettings(GlasswatchSettings settings) {
    return Options.fromSettings(settings).map(WebhookChannel::new);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The options (their {@code toString()} is masked).
   *
   * @return the options (their {@code toString()} is masked)
   */
  public Options options() {
    return options;
  }

  /**
   * POSTs the alert, retrying as described in the class Javadoc.
   *
   * @return attempts made until a 2xx answer
   * @throws DeliveryException permanent on 3xx/4xx (not 429); otherwise after {@code maxAttempts}
   *     transient failures, or when interrupted while waiting to retry
   */
  @Override
  public int deliver(Alert alert) throws DeliveryException {
    return post(alert.getAlertId(), AlertJson.toJsonBytes(alert));
  }

  /**
   * POSTs any JSON body, signed and retried as an alert is (see the class Javadoc): used for
   * enforcement notifications ("access revoked", "revoke failed").
   *
   * @param idempotencyKey sent as {@code Idempotency-Key}; the same key for the same notification
   * @param body UTF-8 JSON
   * @return attempts made until a 2xx answer
   * @throws DeliveryException as {@link #deliver(Alert)}
   */
  public int post(String idempotencyKey, byte[] body) throws DeliveryException {
    String lastProblem = "no attempt made";
    int lastStatus = -1;
    for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
      Duration wait;
      try {
        HttpResponse<String> response = client.send(request(idempotencyKey, body), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        lastStatus = status;
        if (status >= 200 && status < 300) {
          LOG.debug("{} delivered to webhook {} (HTTP {}, attempt {})", idempotencyKey, options.redactedUrl(), status, attempt);
          return attempt;
        }
        lastProblem = "HTTP " + status + excerpt(response.body());
        if (status != 429 && status < 500) {
          throw new DeliveryException(NAME, attempt, true, status, lastProblem);
        }
        wait = backoff(attempt);
        if (status == 429 || status == 503) {
          Optional<Duration> retryAfter = retryAfter(response);
          if (retryAfter.isPresent()) {
            wait = min(retryAfter.get(), options.maxRetryAfter());
          }
        }
      } catch (HttpTimeoutException e) {
        lastStatus = -1;
        lastProblem = "timed out (" + e.getClass().getSimpleName() + ")";
        wait = backoff(attempt);
      } catch (IOException e) {
        lastStatus = -1;
        lastProblem = "I/O error " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + redact(e.getMessage()));
        wait = backoff(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException(NAME, attempt, false, -1, "interrupted");
      }
      if (attempt == options.maxAttempts()) {
        break;
      }
      LOG.warn("{} to webhook {}: attempt {}/{} failed ({}); retrying in {} ms", idempotencyKey,
          options.redactedUrl(), attempt, options.maxAttempts(), lastProblem, wait.toMillis());
      try {
        TimeUnit.MILLISECONDS.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException(NAME, attempt, false, lastStatus, "interrupted while waiting to retry after " + lastProblem);
      }
    }
    throw new DeliveryException(NAME, options.maxAttempts(), false, lastStatus, lastProblem);
  }

  private HttpRequest request(String alertId, byte[] body) {
    long ts = clock.instant().getEpochSecond();
    String nonce = WebhookSignature.newNonce();
    return HttpRequest.newBuilder(options.url())
        .timeout(options.requestTimeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "glasswatch-alerts")
        .header(WebhookSignature.KEY_ID_HEADER, options.keyId())
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
        .header(WebhookSignature.NONCE_HEADER, nonce)
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(options.secret(), ts, nonce, body))
        .header(WebhookSignature.IDEMPOTENCY_KEY_HEADER, alertId)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /** Wait before attempt {@code attempt + 1}: uniform in the upper half of min(max, initial * 2^(attempt-1)). */
  private Duration backoff(int attempt) {
    long cap = options.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
    cap = Math.max(1, Math.min(cap, options.maxBackoff().toMillis()));
    long half = cap / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(cap - half + 1));
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> value = response.headers().firstValue("Retry-After").map(String::trim);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get();
    if (v.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String oneLine = body.replaceAll("\\p{Cntrl}", " ").strip();
    return ": " + redact(oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine);
  }

  /** Removes the URL's path, query and user info and the secret from text bound for logs and errors. */
  private String redact(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String t = text;
    URI u = options.url();
    for (String s : new String[] {u.toString(), u.getRawPath(), u.getRawQuery(), u.getRawUserInfo(), u.getPath(), u.getQuery(), options.secret()}) {
      if (s != null && s.length() > 1) {
        t = t.replace(s, "****");
      }
    }
    return t;
  }

  /** Closes the HTTP client. */
  @Override
  public void close() {
    client.close();
  }

  /** Masked: scheme, host and port of the receiver and the key id only. */
  @Override
  public String toString() {
    return "WebhookChannel{url=" + options.redactedUrl() + ", keyId=" + options.keyId() + "}";
  }
}
