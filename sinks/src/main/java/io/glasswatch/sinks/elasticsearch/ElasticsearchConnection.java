package io.glasswatch.sinks.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.SinkSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;

/**
 * An Elasticsearch client authenticated as one user (HTTP Basic). The password is only put into the
 * {@code Authorization} header; it never appears in {@link #toString()} or in log lines of this module.
 *
 * <p>Closing the connection closes the underlying low-level REST client and its I/O threads.
 */
public final class ElasticsearchConnection implements AutoCloseable {
  private final String url;
  private final String user;
  private final RestClientTransport transport;
  private final ElasticsearchClient client;

  /**
   * Connects (lazily: no request is sent until the client is used).
   *
   * @param url base URL, {@code http://host:port} or {@code https://host:port}
   * @param user Elasticsearch user name; blank means no authentication
   * @param password the user's password (never logged)
   * @throws IllegalArgumentException when {@code url} is not an http(s) URL with a host
   */
  public ElasticsearchConnection(String url, String user, String password) {
    this.url = Objects.requireNonNull(url, "url");
    this.user = user == null ? "" : user;
    URI uri = URI.create(url);
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException("expected an http:// or https:// Elasticsearch URL, got '" + url + "'");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    var builder = RestClient.builder(new HttpHost(uri.getHost(), port, uri.getScheme()))
        .setRequestConfigCallback(rc -> rc.setConnectTimeout(5_000).setSocketTimeout(60_000));
    if (!this.user.isBlank()) {
      String basic = Base64.getEncoder().encodeToString(
          (this.user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
      builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + basic)});
    }
    this.transport = new RestClientTransport(builder.build(), new JacksonJsonpMapper());
    this.client = new ElasticsearchClient(transport);
  }

  /** A connection as the timeline sink user ({@link GlasswatchSettings#ES_SINK_USER}), whose role allows only creating documents. */
  public static ElasticsearchConnection sink(GlasswatchSettings settings) {
    return sink(SinkSettings.from(settings));
  }

  /** A connection as the timeline sink user of validated settings. */
  public static ElasticsearchConnection sink(SinkSettings settings) {
    return new ElasticsearchConnection(settings.elasticsearchUrl().toString(), settings.sink().username(),
        settings.sink().password());
  }

  /** A connection as the administrator ({@link GlasswatchSettings#ES_ADMIN_USER}): templates and queries. */
  public static ElasticsearchConnection admin(GlasswatchSettings settings) {
    return admin(SinkSettings.from(settings));
  }

  /** A connection as the administrator of validated settings. */
  public static ElasticsearchConnection admin(SinkSettings settings) {
    return new ElasticsearchConnection(settings.elasticsearchUrl().toString(), settings.admin().username(),
        settings.admin().password());
  }

  /** The transport of {@link #client()}; valid until {@link #close()}. */
  public RestClientTransport transport() {
    return transport;
  }

  /** The typed client; valid until {@link #close()}. */
  public ElasticsearchClient client() {
    return client;
  }

  /** The user this connection authenticates as (empty when anonymous). */
  public String user() {
    return user;
  }

  /** Closes the REST client. */
  @Override
  public void close() {
    try {
      transport.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the Elasticsearch client of " + url, e);
    }
  }

  /** URL and user, never the password. */
  @Override
  public String toString() {
    return "ElasticsearchConnection{url=" + url + ", user=" + user + "}";
  }
}
