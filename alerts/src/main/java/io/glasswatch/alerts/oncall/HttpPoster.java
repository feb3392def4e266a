package io.glasswatch.alerts.oncall;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a JSON body to a channel's HTTP endpoint with retries: the one retry policy of the HTTP
 * channels (PagerDuty, Slack, Mattermost, the signed webhook).
 *
 * <p>Any 2xx is a delivery. Timeouts, connection errors, 429 and 5xx are retried with jittered
 * exponential backoff ({@code initialBackoff * 2^(n-1)} capped at {@code maxBackoff}, the wait drawn
 * uniformly from its upper half), honouring {@code Retry-After} (seconds or HTTP date) on 429 and
 * 503, until {@code giveUpAfter} has passed since the first attempt (a wait that would end after it
 * is not taken). Other statuses (3xx, 4xx but 429) are permanent failures. The endpoint URL often
 * is the secret (a Slack or Mattermost webhook URL embeds its token): only
 * {@code scheme://host[:port]} is ever logged or put in an error message.
 */
public final class HttpPoster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPoster.class);

  /**
   * Retry bounds of a channel.
   *
   * @param connectTimeout TCP/TLS connect timeout
   * @param requestTimeout time allowed for one attempt's response
   * @param initialBackoff wait before the second attempt (before jitter)
   * @param maxBackoff cap of the exponential wait
   * @param giveUpAfter time after the first attempt after which no further attempt starts
   */
  public record Retry(Duration connectTimeout, Duration requestTimeout, Duration initialBackoff, Duration maxBackoff,
      Duration giveUpAfter) {
    /** Validates: every duration positive, {@code initialBackoff <= maxBackoff}. */
    public Retry {
      for (Duration d : new Duration[] {connectTimeout, requestTimeout, initialBackoff, maxBackoff, giveUpAfter}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("retry durations must be positive");
        }
      }
      if (initialBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalArgumentException("initialBackoff must not exceed maxBackoff");
      }
    }

    /**
     * The defaults: connect 5 s, request 10 s, backoff 500 ms doubling to 30 s, give up after 5 min.
     *
     * @return the defaults
     */
    public static Retry defaults() {
      return new Retry(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(30),
          Duration.ofMinutes(5));
    }

    /**
     * A copy with another give-up time.
     *
     * @param giveUp time after the first attempt after which no further attempt starts
     * @return the copy
     */
    public Retry withGiveUpAfter(Duration giveUp) {
      return new Retry(connectTimeout, requestTimeout, initialBackoff, maxBackoff, giveUp);
    }

    /**
     * A copy with other timeouts and backoff.
     *
     * @param request response timeout of one attempt
     * @param initial wait before the second attempt
     * @param max cap of the exponential wait
     * @return the copy
     */
    public Retry withTiming(Duration request, Duration initial, Duration max) {
      return new Retry(connectTimeout, request, initial, max, giveUpAfter);
    }
  }

  private final String channel;
  private final URI url;
  private final Retry retry;
  private final HttpClient client;
  private final List<String> secrets;

  /**
   * A poster with its own HTTP/1.1 client (no redirects).
   *
   * @param channel channel name for errors and logs
   * @param url endpoint (may embed a token; never logged)
   * @param retry retry bounds
   * @param secrets further strings never to repeat in logs or errors (a signing key a receiver might echo)
   */
  public HttpPoster(String channel, URI url, Retry retry, String... secrets) {
    this.channel = channel;
    this.url = url;
    this.retry = retry;
    this.secrets = java.util.Arrays.stream(secrets).filter(x -> x != null && x.length() > 1).toList();
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(retry.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * POSTs {@code body} until a 2xx answer, a permanent failure or the give-up time.
   *
   * @param key idempotency key, sent as {@code Idempotency-Key} and used in logs
   * @param body the JSON body
   * @param headers extra request headers
   * @param listener told about each attempt
   * @return attempts made until the 2xx answer
   * @throws DeliveryException permanent on 3xx/4xx (not 429); transient when the give-up time passed
   *     or the thread was interrupted
   */
  public int post(String key, byte[] body, Map<String, String> headers, NoticeChannel.AttemptListener listener)
      throws DeliveryException {
    Map<String, String> fixed = Map.copyOf(headers);
    return post(key, body, () -> fixed, listener);
  }

  /**
   * POSTs {@code body} as {@link #post(String, byte[], Map, NoticeChannel.AttemptListener)} does, with
   * headers computed afresh for every attempt (a signed webhook signs each attempt with a new
   * timestamp and nonce).
   *
   * @param key idempotency key, sent as {@code Idempotency-Key} and used in logs
   * @param body the JSON body
   * @param headers called once per attempt for the attempt's extra headers
   * @param listener told about each attempt
   * @return attempts made until the 2xx answer
   * @throws DeliveryException as the other {@code post}
   */
  public int post(String key, byte[] body, Supplier<Map<String, String>> headers, NoticeChannel.AttemptListener listener)
      throws DeliveryException {
    long start = System.nanoTime();
    long giveUpAt = start + retry.giveUpAfter().toNanos();
    String lastProblem = "no attempt made";
    int lastStatus = -1;
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      Duration wait;
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(retry.requestTimeout())
            .header("Content-Type", "application/json").header("User-Agent", "glasswatch-alerts")
            .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.get().forEach(b::header);
        HttpResponse<String> response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        lastStatus = status;
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (status >= 200 && status < 300) {
          listener.attempt(attempt, "success", "HTTP " + status, ms);
          return attempt;
        }
        lastProblem = "HTTP " + status + excerpt(response.body());
        listener.attempt(attempt, "failure", lastProblem, ms);
        if (status != 429 && status < 500) {
          throw new DeliveryException(channel, attempt, true, status, lastProblem);
        }
        wait = backoff(attempt);
        if (status == 429 || status == 503) {
          Optional<Duration> ra = retryAfter(response);
          if (ra.isPresent()) {
            wait = ra.get();
          }
        }
      } catch (HttpTimeoutException e) {
        lastStatus = -1;
        lastProblem = "timed out after " + retry.requestTimeout().toMillis() + " ms";
        listener.attempt(attempt, "failure", lastProblem, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        wait = backoff(attempt);
      } catch (IOException e) {
        lastStatus = -1;
        lastProblem = "I/O error " + e.getClass().getSimpleName();
        listener.attempt(attempt, "failure", lastProblem, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        wait = backoff(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException(channel, attempt, false, -1, "interrupted");
      }
      if (System.nanoTime() + wait.toNanos() >= giveUpAt) {
        throw new DeliveryException(channel, attempt, false, lastStatus,
            lastProblem + "; gave up after " + retry.giveUpAfter().toMillis() + " ms");
      }
      LOG.warn("{} {} to {}: attempt {} failed ({}); retrying in {} ms", channel, key, redactedUrl(), attempt,
          lastProblem, wait.toMillis());
      try {
        TimeUnit.MILLISECONDS.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException(channel, attempt, false, lastStatus, "interrupted while waiting to retry");
      }
    }
  }

  /**
   * The endpoint as safe to log.
   *
   * @return {@code scheme://host[:port]}, plus {@code /****} when the URL has more
   */
  public String redactedUrl() {
    return redact(url);
  }

  /**
   * A URL as safe to log.
   *
   * @param u the URL, may be null
   * @return {@code scheme://host[:port]}, plus {@code /****} when the URL has a path, query or user info
   */
  public static String redact(URI u) {
    if (u == null) {
      return "<none>";
    }
    String base = u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    boolean more = (u.getRawPath() != null && !u.getRawPath().isEmpty() && !"/".equals(u.getRawPath()))
        || u.getRawQuery() != null || u.getRawUserInfo() != null;
    return more ? base + "/****" : base;
  }

  private Duration backoff(int attempt) {
    long cap = retry.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
    cap = Math.max(1, Math.min(cap, retry.maxBackoff().toMillis()));
    long half = cap / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(cap - half + 1));
  }

  static Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> value = response.headers().firstValue("Retry-After").map(String::trim);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get();
    if (v.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String t = body.replaceAll("\\p{Cntrl}", " ").strip();
    t = t.length() > 200 ? t.substring(0, 200) + "…" : t;
    for (String s : new String[] {url.toString(), url.getRawPath(), url.getRawQuery()}) {
      if (s != null && s.length() > 1) {
        t = t.replace(s, "****");
      }
    }
    for (String s : secrets) {
      t = t.replace(s, "****");
    }
    return ": " + t;
  }

  /** Closes the HTTP client. */
  @Override
  public void close() {
    client.close();
  }
}
