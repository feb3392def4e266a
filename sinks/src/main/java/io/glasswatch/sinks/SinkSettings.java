package io.glasswatch.sinks;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.TopicNames;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sinks module's settings, built once from {@link GlasswatchSettings} and validated as a whole:
 * every problem is reported at once in one {@link ConfigException}, each naming the key and the
 * expected form. Immutable; the Elasticsearch passwords are masked in {@link #toString()}.
 *
 * @param kafkaBootstrap {@code kafka.bootstrap.servers}
 * @param registryUrl {@code registry.url}: Apicurio Registry v3 API
 * @param elasticsearchUrl {@code elasticsearch.url}: http(s) base URL
 * @param sink {@code elasticsearch.sink.username} / {@code .password}: the create-only timeline writer
 * @param admin {@code elasticsearch.admin.username} / {@code .password}: templates and queries
 * @param indexPrefix {@code elasticsearch.timeline.index-prefix}: lower case, indices {@code <prefix>-yyyy.MM}
 * @param bulkDocuments {@code elasticsearch.sink.bulk-documents}: documents per {@code _bulk} request, 1-100000
 * @param concurrentRequests {@code elasticsearch.sink.concurrent-requests}: {@code _bulk} requests in flight, 1-16
 * @param flushInterval {@code elasticsearch.sink.flush-interval}: longest wait before a non-full request goes out
 * @param topics {@code kafka.topic-prefix}: the names of the topics read and written, and of the consumer group
 */
public record SinkSettings(String kafkaBootstrap, String registryUrl, URI elasticsearchUrl, Credentials sink,
    Credentials admin, String indexPrefix, int bulkDocuments, int concurrentRequests, Duration flushInterval,
    TopicNames topics) {

  /**
   * An Elasticsearch user.
   *
   * @param username user name; blank for no authentication
   * @param password password (secret; masked in {@link #toString()})
   */
  public record Credentials(String username, String password) {
    @Override
    public String toString() {
      return username + (password.isEmpty() ? "" : ":****");
    }
  }

  /**
   * Reads and validates.
   *
   * @param s the settings
   * @return the sinks settings
   * @throws ConfigException listing every problem, sorted
   */
  public static SinkSettings from(GlasswatchSettings s) {
    List<String> problems = new ArrayList<>();
    URI es = elasticsearchUrl(s, problems);
    String prefix = timelineIndexPrefix(s, problems);
    int bulk = count(s, GlasswatchSettings.ES_SINK_BULK_DOCUMENTS, 1, 100_000, "documents", problems);
    int concurrent = count(s, GlasswatchSettings.ES_SINK_CONCURRENT_REQUESTS, 1, 16, "requests", problems);
    Duration flush = null;
    String flushText = s.get(GlasswatchSettings.ES_SINK_FLUSH_INTERVAL).strip();
    try {
      flush = Durations.parse(flushText);
    } catch (IllegalArgumentException e) {
      flush = null;
    }
    if (flush == null || flush.isNegative() || flush.isZero()) {
      problems.add(GlasswatchSettings.ES_SINK_FLUSH_INTERVAL + ": expected a positive duration such as 200ms, got '"
          + flushText + "'");
    }
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new ConfigException(problems);
    }
    return new SinkSettings(s.get(GlasswatchSettings.KAFKA_BOOTSTRAP), s.get(GlasswatchSettings.REGISTRY_URL), es,
        new Credentials(s.get(GlasswatchSettings.ES_SINK_USER), s.get(GlasswatchSettings.ES_SINK_PASSWORD)),
        new Credentials(s.get(GlasswatchSettings.ES_ADMIN_USER), s.get(GlasswatchSettings.ES_ADMIN_PASSWORD)),
        prefix, bulk, concurrent, flush, TopicNames.from(s));
  }

  /**
   * Reads {@code elasticsearch.url}, for every module that reaches Elasticsearch.
   *
   * @param problems gets "{@code elasticsearch.url: expected an http:// or https:// URL, got '...'}" when it is not one
   * @return the URL, or null when it is not an http(s) URL
   */
  public static URI elasticsearchUrl(GlasswatchSettings s, List<String> problems) {
    URI es = null;
    String esText = s.get(GlasswatchSettings.ES_URL).strip();
    try {
      es = URI.create(esText);
    } catch (IllegalArgumentException e) {
      es = null;
    }
    if (es == null || es.getHost() == null || !("http".equals(es.getScheme()) || "https".equals(es.getScheme()))) {
      problems.add(GlasswatchSettings.ES_URL + ": expected an http:// or https:// URL, got '" + esText + "'");
      return null;
    }
    return es;
  }

  /**
   * Reads {@code elasticsearch.timeline.index-prefix}, for every module that reads or writes the timeline.
   *
   * @param problems gets a problem naming the key when the prefix is not a lower-case index name
   * @return the prefix, stripped
   */
  public static String timelineIndexPrefix(GlasswatchSettings s, List<String> problems) {
    String prefix = s.get(GlasswatchSettings.ES_TIMELINE_INDEX).strip();
    if (prefix.isEmpty() || !prefix.equals(prefix.toLowerCase(Locale.ROOT)) || !prefix.matches("[a-z0-9][a-z0-9._-]*")) {
      problems.add(GlasswatchSettings.ES_TIMELINE_INDEX + ": expected a lower-case index prefix such as glasswatch-timeline, got '"
          + prefix + "'");
    }
    return prefix;
  }

  private static int count(GlasswatchSettings s, String key, int min, int max, String what, List<String> problems) {
    String text = s.get(key).strip();
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + ": expected a number of " + what + " " + min + "-" + max + ", got '" + text + "'");
    return min;
  }

  /** Every field, the passwords masked. */
  @Override
  public String toString() {
    return "SinkSettings{kafkaBootstrap=" + kafkaBootstrap + ", registryUrl=" + registryUrl + ", elasticsearchUrl="
        + elasticsearchUrl + ", sink=" + sink + ", admin=" + admin + ", indexPrefix=" + indexPrefix + ", bulkDocuments="
        + bulkDocuments + ", concurrentRequests=" + concurrentRequests + ", flushInterval=" + flushInterval
        + ", topics=" + topics + "}";
  }
}
