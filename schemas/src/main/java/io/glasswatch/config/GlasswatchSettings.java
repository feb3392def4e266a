package io.glasswatch.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where Glasswatch's servers are and how to reach them: one immutable set of string keys shared by
 * every service and by the local stack, so that pointing Glasswatch at your own Kafka, Apicurio
 * Registry and Elasticsearch means setting the same keys the local stack sets.
 *
 * <p>Sources, later ones winning: built-in defaults (the local stack's addresses), the stack's
 * generated credentials file, a properties file ({@code --config FILE}), environment variables
 * ({@code GLASSWATCH_} + the key upper-cased with {@code .} and {@code -} as {@code _}, e.g.
 * {@code GLASSWATCH_KAFKA_BOOTSTRAP_SERVERS}), then explicit overrides. Values of keys ending in
 * {@code password}, {@code secret} or {@code token} are masked in {@link #toString()}.
 */
public final class GlasswatchSettings {
  /** Kafka bootstrap servers, host:port[,host:port]. */
  public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
  /**
   * Prefix of every Glasswatch topic name and consumer group (letters, digits, {@code .}, {@code _},
   * {@code -}; default empty: the names of the topic catalogue as they are). Lets several Glasswatch
   * instances, or tests, share one Kafka cluster; see {@code io.glasswatch.schema.TopicNames}.
   */
  public static final String TOPIC_PREFIX = "kafka.topic-prefix";
  /** Apicurio Registry v3 API base URL. */
  public static final String REGISTRY_URL = "registry.url";
  /** Elasticsearch base URL. */
  public static final String ES_URL = "elasticsearch.url";
  /** Elasticsearch user of the timeline sink (role: create_doc on the timeline indices only). */
  public static final String ES_SINK_USER = "elasticsearch.sink.username";
  /** Password of {@link #ES_SINK_USER}. */
  public static final String ES_SINK_PASSWORD = "elasticsearch.sink.password";
  /** Documents per {@code _bulk} request of the timeline sink (1-100000; default 2000). */
  public static final String ES_SINK_BULK_DOCUMENTS = "elasticsearch.sink.bulk-documents";
  /** {@code _bulk} requests the timeline sink keeps in flight at once (1-16; default 2). */
  public static final String ES_SINK_CONCURRENT_REQUESTS = "elasticsearch.sink.concurrent-requests";
  /** Longest wait before the timeline sink sends a non-full {@code _bulk} request (a duration; default 200ms). */
  public static final String ES_SINK_FLUSH_INTERVAL = "elasticsearch.sink.flush-interval";
  /** Elasticsearch administrator (index templates, queries). */
  public static final String ES_ADMIN_USER = "elasticsearch.admin.username";
  /** Password of {@link #ES_ADMIN_USER}. */
  public static final String ES_ADMIN_PASSWORD = "elasticsearch.admin.password";
  /** Elasticsearch read-only user for investigators (role: read, view_index_metadata on the timeline indices). */
  public static final String ES_READER_USER = "elasticsearch.reader.username";
  /** Password of {@link #ES_READER_USER}. */
  public static final String ES_READER_PASSWORD = "elasticsearch.reader.password";
  /** Timeline index prefix; documents go to {@code <prefix>-<yyyy.MM>}. */
  public static final String ES_TIMELINE_INDEX = "elasticsearch.timeline.index-prefix";
  /** AWS region of the IAM Identity Center instance. */
  public static final String AWS_REGION = "aws.region";
  /** Override endpoint of the SSO Admin API (e.g. moto); empty means the real AWS endpoint. */
  public static final String SSO_ENDPOINT = "aws.sso-admin.endpoint";
  /**
   * Whether the streams app looks up IAM Identity Center names (SSO Admin DescribePermissionSet, Identity Store
   * DescribeUser) to attribute AWS sessions to grants (SPEC 1.6); false: only the names in the grants and the
   * policy's identityCenterNames are used, and no AWS call is made.
   */
  public static final String ATTRIBUTION_LOOKUP = "attribution.lookup.enabled";
  /** Identity store id ({@code d-...}) of the look-ups; empty: found with SSO Admin ListInstances. */
  public static final String ATTRIBUTION_IDENTITY_STORE = "attribution.identity-store-id";
  /** Override endpoint of the Identity Store API (e.g. moto); empty means the real AWS endpoint. */
  public static final String IDENTITY_STORE_ENDPOINT = "aws.identitystore.endpoint";
  /** When true, revokes are recorded as DRY_RUN and no AWS call is made. */
  public static final String REVOKE_DRY_RUN = "revoke.dry-run";
  /**
   * Retired: the revoke deadline is the policy file's {@code revokeDeadline} (SPEC section 3), one
   * setting for every module. The key has no default; the alerts module reports it as a problem when
   * it is set, naming {@code revokeDeadline}.
   */
  public static final String REVOKE_DEADLINE = "revoke.deadline";
  /** Time from pick-up after which the revoke executor stops retrying an unconfirmed revoke (e.g. 15m). */
  public static final String REVOKE_GIVE_UP = "revoke.give-up-after";
  /** Revoke commands executed at once (different account/permission-set pairs), 1-64. */
  public static final String REVOKE_PARALLELISM = "revoke.parallelism";
  /**
   * IAM role ARN the revoke executor assumes (STS AssumeRole) for SSO Admin calls; empty means the
   * default credentials chain as is. {@code revoke.assume-role-arn.<12-digit account id>} overrides it
   * for revokes on that account.
   */
  public static final String REVOKE_ROLE_ARN = "revoke.assume-role-arn";
  /**
   * IAM role assumed (STS AssumeRole) for containment's IAM calls on an emergency role, {@code {accountId}}
   * standing for the role's account, e.g. {@code arn:aws:iam::{accountId}:role/GlasswatchContainment};
   * empty means the default credentials chain as is.
   */
  public static final String CONTAINMENT_ROLE_ARN = "containment.assume-role-arn";
  /** Whether the expiry sweeper checks that the assignment of every expired grant is gone. */
  public static final String REVOKE_SWEEPER = "revoke.sweeper.enabled";
  /** How far back the expiry sweeper looks: grants that expired longer ago are not checked (e.g. 24h). */
  public static final String REVOKE_SWEEPER_LOOKBACK = "revoke.sweeper.lookback";
  /** On-call webhook URL (http or https); empty disables the webhook. */
  public static final String WEBHOOK_URL = "alerts.webhook.url";
  /** Key id sent with webhook signatures. */
  public static final String WEBHOOK_KEY_ID = "alerts.webhook.key-id";
  /** HMAC-SHA256 key of the webhook signature. */
  public static final String WEBHOOK_SECRET = "alerts.webhook.secret";
  /** PagerDuty Events API v2 routing key (integration key); empty disables PagerDuty. Secret. */
  public static final String PAGERDUTY_ROUTING_KEY = "alerts.pagerduty.routing-key";
  /** PagerDuty Events API v2 enqueue URL. */
  public static final String PAGERDUTY_URL = "alerts.pagerduty.url";
  /** Slack incoming webhook URL; empty disables Slack. Secret (the URL embeds a token). */
  public static final String SLACK_WEBHOOK_URL = "alerts.slack.webhook-url";
  /** Mattermost incoming webhook URL; empty disables Mattermost. Secret (the URL embeds a token). */
  public static final String MATTERMOST_WEBHOOK_URL = "alerts.mattermost.webhook-url";
  /** SMTP host of email alerts; empty disables email. */
  public static final String EMAIL_SMTP_HOST = "alerts.email.smtp-host";
  /** SMTP port of email alerts. */
  public static final String EMAIL_SMTP_PORT = "alerts.email.smtp-port";
  /** Whether SMTP STARTTLS is required. */
  public static final String EMAIL_STARTTLS = "alerts.email.starttls";
  /** SMTP AUTH user; empty for none. */
  public static final String EMAIL_USERNAME = "alerts.email.username";
  /** SMTP AUTH password. Secret. */
  public static final String EMAIL_PASSWORD = "alerts.email.password";
  /** Sender address of email alerts. */
  public static final String EMAIL_FROM = "alerts.email.from";
  /** Recipient addresses of email alerts, comma-separated. */
  public static final String EMAIL_TO = "alerts.email.to";
  /** Kafka Streams application id. */
  public static final String STREAMS_APP_ID = "streams.application.id";
  /** Kafka Streams state directory. */
  public static final String STREAMS_STATE_DIR = "streams.state.dir";
  /**
   * The detection policy file (YAML, see {@code config/policy.yaml}) the streams app applies; empty means
   * the built-in defaults. The {@code --policy FILE} option of a command wins over it.
   */
  public static final String POLICY_FILE = "policy.file";

  /**
   * Whether the streams app evaluates deadlines on the wall clock too ({@code true}, live operation:
   * an idle partition still reaches its deadlines) or on event time alone ({@code false}: replaying
   * historical input through a live pipeline).
   */
  public static final String STREAMS_WALL_CLOCK_DEADLINES = "streams.wall-clock-deadlines";
  /**
   * Stream threads of the streams app ({@code num.stream.threads}; default 1). Tasks, one per input
   * partition, are spread over the threads; more threads than partitions stay idle.
   */
  public static final String STREAMS_THREADS = "streams.num-stream-threads";
  /**
   * The streams app's {@code commit.interval.ms}, a duration (default {@code 50ms}). Under exactly-once
   * it is the transaction length: every output, revoke commands included, becomes visible at the next
   * commit, and a stage A revoke passes two commits on its way to the executor. Longer intervals cost
   * less CPU per event and add latency (see the README's performance section).
   */
  public static final String STREAMS_COMMIT_INTERVAL = "streams.commit-interval";
  /** Directory of the local stack's data, logs and generated credentials. */
  public static final String STACK_DIR = "stack.dir";
  /** Local stack Kafka port (the controller listens on port + 1). */
  public static final String STACK_KAFKA_PORT = "stack.kafka.port";
  /** Local stack Apicurio Registry port (management on port + 1). */
  public static final String STACK_REGISTRY_PORT = "stack.registry.port";
  /** Local stack Elasticsearch HTTP port (transport on port + 100). */
  public static final String STACK_ES_PORT = "stack.elasticsearch.port";
  /** Local stack moto (SSO Admin emulator) port. */
  public static final String STACK_MOTO_PORT = "stack.moto.port";

  /** Built-in defaults: the local stack on 127.0.0.1. */
  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(STACK_DIR, ".glasswatch/stack");
    d.put(STACK_KAFKA_PORT, "19092");
    d.put(STACK_REGISTRY_PORT, "18081");
    d.put(STACK_ES_PORT, "19200");
    d.put(STACK_MOTO_PORT, "15000");
    d.put(KAFKA_BOOTSTRAP, "127.0.0.1:19092");
    d.put(TOPIC_PREFIX, "");
    d.put(REGISTRY_URL, "http://127.0.0.1:18081/apis/registry/v3");
    d.put(ES_URL, "http://127.0.0.1:19200");
    d.put(ES_SINK_USER, "glasswatch_sink");
    d.put(ES_SINK_PASSWORD, "");
    d.put(ES_SINK_BULK_DOCUMENTS, "2000");
    d.put(ES_SINK_CONCURRENT_REQUESTS, "2");
    d.put(ES_SINK_FLUSH_INTERVAL, "200ms");
    d.put(ES_ADMIN_USER, "glasswatch_admin");
    d.put(ES_ADMIN_PASSWORD, "");
    d.put(ES_READER_USER, "glasswatch_reader");
    d.put(ES_READER_PASSWORD, "");
    d.put(ES_TIMELINE_INDEX, "glasswatch-timeline");
    d.put(AWS_REGION, "us-east-1");
    d.put(SSO_ENDPOINT, "");
    d.put(ATTRIBUTION_LOOKUP, "false");
    d.put(ATTRIBUTION_IDENTITY_STORE, "");
    d.put(IDENTITY_STORE_ENDPOINT, "");
    d.put(REVOKE_DRY_RUN, "false");
    d.put(REVOKE_GIVE_UP, "15m");
    d.put(REVOKE_PARALLELISM, "8");
    d.put(REVOKE_ROLE_ARN, "");
    d.put(CONTAINMENT_ROLE_ARN, "");
    d.put(REVOKE_SWEEPER, "true");
    d.put(REVOKE_SWEEPER_LOOKBACK, "24h");
    d.put(WEBHOOK_URL, "");
    d.put(WEBHOOK_KEY_ID, "glasswatch");
    d.put(WEBHOOK_SECRET, "");
    d.put(PAGERDUTY_ROUTING_KEY, "");
    d.put(PAGERDUTY_URL, "https://events.pagerduty.com/v2/enqueue");
    d.put(SLACK_WEBHOOK_URL, "");
    d.put(MATTERMOST_WEBHOOK_URL, "");
    d.put(EMAIL_SMTP_HOST, "");
    d.put(EMAIL_SMTP_PORT, "587");
    d.put(EMAIL_STARTTLS, "true");
    d.put(EMAIL_USERNAME, "");
    d.put(EMAIL_PASSWORD, "");
    d.put(EMAIL_FROM, "");
    d.put(EMAIL_TO, "");
    d.put(STREAMS_APP_ID, "glasswatch");
    d.put(STREAMS_STATE_DIR, ".glasswatch/streams-state");
    d.put(POLICY_FILE, "");
    d.put(STREAMS_WALL_CLOCK_DEADLINES, "true");
    d.put(STREAMS_THREADS, "1");
    d.put(STREAMS_COMMIT_INTERVAL, "50ms");
    ingestDefaults(d);
    DEFAULTS = Map.copyOf(d);
  }

  /**
   * The live ingest keys ({@code ingest.*}) and their defaults; their meaning, forms and validation are
   * in {@code io.glasswatch.producers.ingest.common.IngestSettings} (producers module). Listed here so that
   * environment variables reach them like every other key.
   */
  private static void ingestDefaults(Map<String, String> d) {
    d.put("ingest.http.listen", "");
    d.put("ingest.http.hmac-secret", "");
    d.put("ingest.http.eventbridge-secret", "");
    d.put("ingest.http.max-body-bytes", "1048576");
    d.put("ingest.http.max-in-flight-events", "50000");
    d.put("ingest.http.ack-timeout", "30s");
    d.put("ingest.http.clock-skew", "5m");
    d.put("ingest.aws.role-arns", "");
    d.put("ingest.cloudtrail.regions", "");
    d.put("ingest.cloudtrail.endpoint", "");
    d.put("ingest.cloudtrail.lookup-attributes", "Username=root,EventName=ConsoleLogin,"
        + "EventSource=iam.amazonaws.com,EventSource=sso.amazonaws.com,EventName=AssumeRole,EventName=AssumeRoot,EventName=AssumeRoleWithSAML");
    d.put("ingest.cloudtrail.poll-interval", "1m");
    d.put("ingest.cloudtrail.overlap", "15m");
    d.put("ingest.cloudtrail.initial-lookback", "1h");
    d.put("ingest.cloudtrail.requests-per-second", "2");
    d.put("ingest.cloudtrail.log-dirs", "");
    d.put("ingest.cloudtrail.log-scan-interval", "10s");
    d.put("ingest.guardduty.regions", "");
    d.put("ingest.guardduty.endpoint", "");
    d.put("ingest.guardduty.finding-types", "IAM");
    d.put("ingest.guardduty.poll-interval", "1m");
    d.put("ingest.guardduty.overlap", "10m");
    d.put("ingest.guardduty.initial-lookback", "24h");
    d.put("ingest.tail.files", "");
    d.put("ingest.tail.poll-interval", "1s");
    d.put("ingest.checkpoint.topic", "ingest-checkpoints");
  }

  private static final Set<String> INT_KEYS =
      Set.of(STACK_KAFKA_PORT, STACK_REGISTRY_PORT, STACK_ES_PORT, STACK_MOTO_PORT);
  private static final Set<String> URL_KEYS = Set.of(REGISTRY_URL, ES_URL);
  private static final Set<String> OPTIONAL_URL_KEYS =
      Set.of(SSO_ENDPOINT, IDENTITY_STORE_ENDPOINT, WEBHOOK_URL, PAGERDUTY_URL, SLACK_WEBHOOK_URL, MATTERMOST_WEBHOOK_URL);

  private final Map<String, String> values;

  private GlasswatchSettings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Defaults, then environment variables; validated. */
  public static GlasswatchSettings fromEnvironment() {
    return builder().environment(System.getenv()).build();
  }

  /** The value of {@code key}; empty string when unset. */
  public String get(String key) {
    return values.getOrDefault(key, "");
  }

  /** The value of {@code key} as an int (validated keys only). */
  public int getInt(String key) {
    return Integer.parseInt(get(key));
  }

  /** The value of {@code key} as a boolean. */
  public boolean getBoolean(String key) {
    return Boolean.parseBoolean(get(key));
  }

  /** Whether {@code key} has a non-empty value. */
  public boolean isSet(String key) {
    return !get(key).isBlank();
  }

  /** The stack directory as a path. */
  public Path stackDir() {
    return Path.of(get(STACK_DIR));
  }

  /** A copy with {@code key} set to {@code value}. */
  public GlasswatchSettings with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(values);
    m.put(key, value);
    return new GlasswatchSettings(m);
  }

  /** Every key and value; secrets included (never log this map: log {@link #toString()}). */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * Whether {@code key} names a secret: it ends in password, secret, token or routing-key, or is a
   * chat webhook URL ({@code *.webhook-url}, whose path embeds a token).
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.endsWith("password") || k.endsWith("secret") || k.endsWith("token") || k.endsWith("routing-key")
        || k.endsWith("webhook-url");
  }

  /** Keys and values in key order, secrets masked as {@code ****}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("GlasswatchSettings{");
    values.keySet().stream().sorted().forEach(k -> {
      String v = values.get(k);
      sb.append(k).append('=').append(isSecret(k) && !v.isEmpty() ? "****" : v).append(", ");
    });
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append('}').toString();
  }

  /** Collects sources; {@link #build()} validates all keys at once. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>(DEFAULTS);

    /** Reads a Java properties file. Errors name the file. */
    public Builder file(Path file) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException e) {
        throw new ConfigException(List.of(file + ": cannot read configuration file: " + e.getMessage()));
      }
      p.stringPropertyNames().forEach(k -> values.put(k.trim(), p.getProperty(k).trim()));
      return this;
    }

    /** Reads the file when it exists. */
    public Builder fileIfExists(Path file) {
      return Files.isRegularFile(file) ? file(file) : this;
    }

    /** Applies {@code GLASSWATCH_*} variables for every known key. */
    public Builder environment(Map<String, String> env) {
      for (String key : new ArrayList<>(values.keySet())) {
        String v = env.get(envName(key));
        if (v != null) {
          values.put(key, v.trim());
        }
      }
      return this;
    }

    /** Sets one key. */
    public Builder set(String key, String value) {
      values.put(key, value);
      return this;
    }

    /** Sets several keys. */
    public Builder setAll(Map<String, String> m) {
      values.putAll(m);
      return this;
    }

    /** The value currently collected for {@code key}. */
    public String peek(String key) {
      return values.getOrDefault(key, "");
    }

    /**
     * Validates and freezes.
     *
     * @throws ConfigException listing every invalid key with its expected form
     */
    public GlasswatchSettings build() {
      List<String> problems = new ArrayList<>();
      for (String k : INT_KEYS) {
        String v = values.getOrDefault(k, "");
        try {
          int port = Integer.parseInt(v);
          if (port < 1 || port > 65535) {
            problems.add(k + ": expected a TCP port 1-65535, got " + v);
          }
        } catch (NumberFormatException e) {
          problems.add(k + ": expected a TCP port 1-65535, got '" + v + "'");
        }
      }
      String bootstrap = values.getOrDefault(KAFKA_BOOTSTRAP, "");
      if (!bootstrap.matches("[^,:\\s]+:\\d+(,[^,:\\s]+:\\d+)*")) {
        problems.add(KAFKA_BOOTSTRAP + ": expected host:port[,host:port], got '" + bootstrap + "'");
      }
      if (!values.getOrDefault(TOPIC_PREFIX, "").strip().matches("[A-Za-z0-9._-]{0,100}")) {
        problems.add(TOPIC_PREFIX + ": expected up to 100 letters, digits, '.', '_' or '-' (or nothing), got '"
            + values.get(TOPIC_PREFIX) + "'");
      }
      for (String k : URL_KEYS) {
        checkUrl(k, values.getOrDefault(k, ""), false, problems);
      }
      for (String k : OPTIONAL_URL_KEYS) {
        checkUrl(k, values.getOrDefault(k, ""), true, problems);
      }
      if (!Set.of("true", "false").contains(values.getOrDefault(REVOKE_DRY_RUN, "false"))) {
        problems.add(REVOKE_DRY_RUN + ": expected true or false");
      }
      if (!Set.of("true", "false").contains(values.getOrDefault(STREAMS_WALL_CLOCK_DEADLINES, "true"))) {
        problems.add(STREAMS_WALL_CLOCK_DEADLINES + ": expected true or false");
      }
      if (!values.getOrDefault(STREAMS_THREADS, "1").matches("[1-9][0-9]?")) {
        problems.add(STREAMS_THREADS + ": expected a number of threads 1-99, got '" + values.get(STREAMS_THREADS) + "'");
      }
      if (!values.getOrDefault(ES_SINK_BULK_DOCUMENTS, "2000").matches("[1-9][0-9]{0,4}|100000")) {
        problems.add(ES_SINK_BULK_DOCUMENTS + ": expected a number of documents 1-100000, got '"
            + values.get(ES_SINK_BULK_DOCUMENTS) + "'");
      }
      if (!values.getOrDefault(ES_SINK_CONCURRENT_REQUESTS, "2").matches("[1-9]|1[0-6]")) {
        problems.add(ES_SINK_CONCURRENT_REQUESTS + ": expected a number of requests 1-16, got '"
            + values.get(ES_SINK_CONCURRENT_REQUESTS) + "'");
      }
      checkDuration(ES_SINK_FLUSH_INTERVAL, values.getOrDefault(ES_SINK_FLUSH_INTERVAL, "200ms"), "200ms",
          "a positive duration such as 200ms", Long.MAX_VALUE, problems);
      checkDuration(STREAMS_COMMIT_INTERVAL, values.getOrDefault(STREAMS_COMMIT_INTERVAL, "50ms"), "50ms",
          "a duration from 1ms to 60s", 60_000, problems);
      if (!values.getOrDefault(WEBHOOK_URL, "").isBlank()
          && values.getOrDefault(WEBHOOK_SECRET, "").isBlank()) {
        problems.add(WEBHOOK_SECRET + ": required when " + WEBHOOK_URL + " is set (HMAC-SHA256 key)");
      }
      if (!problems.isEmpty()) {
        problems.sort(String::compareTo);
        throw new ConfigException(problems);
      }
      return new GlasswatchSettings(values);
    }

    /**
     * Adds a problem unless {@code value} is a duration ({@link Durations}) from 1 ms to {@code maxMillis}:
     * "expected a duration such as {@code example}" when it does not parse, "expected {@code range}" when
     * it is out of range.
     */
    private static void checkDuration(String key, String value, String example, String range, long maxMillis,
        List<String> problems) {
      try {
        long ms = Durations.parse(value).toMillis();
        if (ms < 1 || ms > maxMillis) {
          problems.add(key + ": expected " + range + ", got '" + value + "'");
        }
      } catch (IllegalArgumentException e) {
        problems.add(key + ": expected a duration such as " + example + ", got '" + value + "'");
      }
    }

    private static void checkUrl(String key, String value, boolean optional, List<String> problems) {
      String v = value;
      if (v.isBlank()) {
        if (!optional) {
          problems.add(key + ": expected an http:// or https:// URL, got nothing");
        }
        return;
      }
      try {
        URI u = URI.create(v);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
          problems.add(key + ": expected an http:// or https:// URL, got '" + (isSecret(key) ? "****" : v) + "'");
        }
      } catch (IllegalArgumentException e) {
        problems.add(key + ": expected an http:// or https:// URL, got '" + (isSecret(key) ? "****" : v) + "'");
      }
    }
  }

  /** The environment variable of {@code key}: GLASSWATCH_ + upper case, '.' and '-' as '_'. */
  public static String envName(String key) {
    return "GLASSWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
