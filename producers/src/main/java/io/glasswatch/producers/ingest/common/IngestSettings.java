package io.glasswatch.producers.ingest.common;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Topics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The live ingest configuration ({@code ingest.*} keys of {@link GlasswatchSettings}), parsed and
 * validated at once: {@link #from} reports every invalid key in one {@link ConfigException}, naming
 * the key and the expected form. HMAC keys never appear in {@link #toString()}.
 *
 * <p>Durations are a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 1d}) or ISO-8601 ({@code PT5M}). Lists are comma-separated. An empty
 * {@code ingest.http.listen}, region list, directory list or file list turns that component off.
 *
 * @param httpListen {@code host:port} of the HTTP endpoint, or null when off
 * @param hmacKeys key id → HMAC-SHA256 key bytes (UTF-8 of the configured secret); several at once
 *     for rotation
 * @param eventBridgeKeys name → API key of the EventBridge path ({@code POST /v1/eventbridge}); empty: off
 * @param maxBodyBytes largest accepted request body (413 above)
 * @param maxInFlightEvents events accepted but not yet acknowledged by Kafka before 429 applies
 * @param ackTimeout how long a request waits for Kafka's acknowledgements before 503
 * @param clockSkew accepted distance between a request's timestamp and this server's clock (±)
 * @param roleArns IAM roles to assume, one per AWS account; empty means the default credentials' account
 * @param cloudTrailRegions regions of the LookupEvents poller (one poller per account and region)
 * @param cloudTrailEndpoint endpoint override of CloudTrail, or null for AWS
 * @param lookupAttributes the LookupEvents filters ({@code AttributeKey=AttributeValue}); each is one query
 *     per poll, because LookupEvents takes one attribute per request
 * @param cloudTrailPollInterval time between two LookupEvents polls of one account and region
 * @param cloudTrailOverlap how far before the checkpoint each poll starts again (late delivery)
 * @param cloudTrailInitialLookback where the first poll without a checkpoint starts (before now)
 * @param cloudTrailRequestsPerSecond client-side limit per account and region (LookupEvents allows 2)
 * @param cloudTrailLogDirs directories of CloudTrail log files to watch
 * @param logScanInterval time between two scans of the log directories
 * @param guardDutyRegions regions of the findings poller
 * @param guardDutyEndpoint endpoint override of GuardDuty, or null for AWS
 * @param findingTypes finding types asked for; empty means every type
 * @param guardDutyPollInterval time between two findings polls of one account and region
 * @param guardDutyOverlap how far before the checkpoint each poll asks again ({@code updatedAt})
 * @param guardDutyInitialLookback where the first poll without a checkpoint starts (before now)
 * @param tailFiles JSON-lines files to tail
 * @param tailPollInterval time between two reads of a tailed file
 * @param checkpointTopic the compacted checkpoint topic
 */
public record IngestSettings(
    InetSocketAddress httpListen, Map<String, byte[]> hmacKeys, Map<String, byte[]> eventBridgeKeys,
    int maxBodyBytes, int maxInFlightEvents,
    Duration ackTimeout, Duration clockSkew, List<String> roleArns,
    List<String> cloudTrailRegions, URI cloudTrailEndpoint, List<Map.Entry<String, String>> lookupAttributes,
    Duration cloudTrailPollInterval, Duration cloudTrailOverlap, Duration cloudTrailInitialLookback,
    double cloudTrailRequestsPerSecond, List<Path> cloudTrailLogDirs, Duration logScanInterval,
    List<String> guardDutyRegions, URI guardDutyEndpoint, List<String> findingTypes,
    Duration guardDutyPollInterval, Duration guardDutyOverlap, Duration guardDutyInitialLookback,
    List<Path> tailFiles, Duration tailPollInterval, String checkpointTopic) {

  /** {@code host:port} the HTTP endpoint listens on; empty turns it off. */
  public static final String HTTP_LISTEN = "ingest.http.listen";
  /** {@code keyId:secret[,keyId:secret...]}: the HMAC keys of the HTTP endpoint (secrets of 32+ characters, no ',' or whitespace). */
  public static final String HMAC_SECRET = "ingest.http.hmac-secret";
  /** {@code name:apiKey[,name:apiKey...]}: API keys of {@code POST /v1/eventbridge} (32+ characters each); empty turns it off. */
  public static final String EVENTBRIDGE_SECRET = "ingest.http.eventbridge-secret";
  /** Largest request body in bytes (default 1 MiB). */
  public static final String MAX_BODY = "ingest.http.max-body-bytes";
  /** Events in flight to Kafka before requests get 429 (default 50000). */
  public static final String MAX_IN_FLIGHT = "ingest.http.max-in-flight-events";
  /** How long a request waits for Kafka (default 30s); 503 after. */
  public static final String ACK_TIMEOUT = "ingest.http.ack-timeout";
  /** Accepted request timestamp skew (default 5m). */
  public static final String CLOCK_SKEW = "ingest.http.clock-skew";
  /** IAM role ARNs to assume, one per account. */
  public static final String ROLE_ARNS = "ingest.aws.role-arns";
  /** CloudTrail poller regions. */
  public static final String CT_REGIONS = "ingest.cloudtrail.regions";
  /** CloudTrail endpoint override. */
  public static final String CT_ENDPOINT = "ingest.cloudtrail.endpoint";
  /** LookupEvents filters. */
  public static final String CT_ATTRIBUTES = "ingest.cloudtrail.lookup-attributes";
  /** CloudTrail poll interval. */
  public static final String CT_INTERVAL = "ingest.cloudtrail.poll-interval";
  /** CloudTrail overlap window. */
  public static final String CT_OVERLAP = "ingest.cloudtrail.overlap";
  /** CloudTrail first-poll lookback. */
  public static final String CT_LOOKBACK = "ingest.cloudtrail.initial-lookback";
  /** LookupEvents requests per second per account and region. */
  public static final String CT_RATE = "ingest.cloudtrail.requests-per-second";
  /** CloudTrail log directories. */
  public static final String CT_LOG_DIRS = "ingest.cloudtrail.log-dirs";
  /** CloudTrail log directory scan interval. */
  public static final String CT_LOG_SCAN = "ingest.cloudtrail.log-scan-interval";
  /** GuardDuty poller regions. */
  public static final String GD_REGIONS = "ingest.guardduty.regions";
  /** GuardDuty endpoint override. */
  public static final String GD_ENDPOINT = "ingest.guardduty.endpoint";
  /** GuardDuty finding types: {@code IAM} (the built-in list), {@code *} (all) or a list. */
  public static final String GD_TYPES = "ingest.guardduty.finding-types";
  /** GuardDuty poll interval. */
  public static final String GD_INTERVAL = "ingest.guardduty.poll-interval";
  /** GuardDuty overlap window. */
  public static final String GD_OVERLAP = "ingest.guardduty.overlap";
  /** GuardDuty first-poll lookback. */
  public static final String GD_LOOKBACK = "ingest.guardduty.initial-lookback";
  /** JSON-lines files to tail. */
  public static final String TAIL_FILES = "ingest.tail.files";
  /** Tail poll interval. */
  public static final String TAIL_INTERVAL = "ingest.tail.poll-interval";
  /**
   * Checkpoint topic (compacted); the default, {@code ingest-checkpoints}, takes the topic prefix
   * ({@code kafka.topic-prefix}) like every catalogue topic, another name is used as given.
   */
  public static final String CHECKPOINT_TOPIC = "ingest.checkpoint.topic";

  /**
   * The GuardDuty IAM finding types and root-credential findings (GuardDuty User Guide, "GuardDuty
   * IAM finding types", docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html):
   * the default of {@value #GD_TYPES}.
   */
  public static final List<String> IAM_FINDING_TYPES = List.of(
      "CredentialAccess:IAMUser/AnomalousBehavior",
      "DefenseEvasion:IAMUser/AnomalousBehavior",
      "DefenseEvasion:IAMUser/BedrockLoggingDisabled",
      "Discovery:IAMUser/AnomalousBehavior",
      "Exfiltration:IAMUser/AnomalousBehavior",
      "Impact:IAMUser/AnomalousBehavior",
      "InitialAccess:IAMUser/AnomalousBehavior",
      "PenTest:IAMUser/KaliLinux",
      "PenTest:IAMUser/ParrotLinux",
      "PenTest:IAMUser/PentooLinux",
      "Persistence:IAMUser/AnomalousBehavior",
      "Policy:IAMUser/RootCredentialUsage",
      "Policy:IAMUser/ShortTermRootCredentialUsage",
      "PrivilegeEscalation:IAMUser/AnomalousBehavior",
      "Recon:IAMUser/MaliciousIPCaller",
      "Recon:IAMUser/MaliciousIPCaller.Custom",
      "Recon:IAMUser/TorIPCaller",
      "Stealth:IAMUser/CloudTrailLoggingDisabled",
      "Stealth:IAMUser/PasswordPolicyChange",
      "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
      "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
      "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
      "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
      "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
      "UnauthorizedAccess:IAMUser/TorIPCaller");

  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
  private static final List<String> ATTRIBUTE_KEYS = List.of("EventId", "EventName", "ReadOnly", "Username",
      "ResourceType", "ResourceName", "EventSource", "AccessKeyId");

  /** Copies the collections. */
  public IngestSettings {
    hmacKeys = Map.copyOf(hmacKeys);
    eventBridgeKeys = Map.copyOf(eventBridgeKeys);
    roleArns = List.copyOf(roleArns);
    cloudTrailRegions = List.copyOf(cloudTrailRegions);
    lookupAttributes = List.copyOf(lookupAttributes);
    cloudTrailLogDirs = List.copyOf(cloudTrailLogDirs);
    guardDutyRegions = List.copyOf(guardDutyRegions);
    findingTypes = List.copyOf(findingTypes);
    tailFiles = List.copyOf(tailFiles);
  }

  /**
   * Parses and validates the {@code ingest.*} keys of {@code s}.
   *
   * @throws ConfigException listing every invalid key with its expected form
   */
  public static IngestSettings from(GlasswatchSettings s) {
    List<String> problems = new ArrayList<>();
    InetSocketAddress listen = null;
    String l = s.get(HTTP_LISTEN).trim();
    if (!l.isEmpty()) {
      int colon = l.lastIndexOf(':');
      try {
        int port = Integer.parseInt(l.substring(colon + 1));
        if (colon <= 0 || port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        listen = new InetSocketAddress(l.substring(0, colon), port);
      } catch (RuntimeException e) {
        problems.add(HTTP_LISTEN + ": expected host:port (port 0-65535), got '" + l + "'");
      }
    }
    Map<String, byte[]> keys = keyList(s, HMAC_SECRET, problems);
    Map<String, byte[]> ebKeys = keyList(s, EVENTBRIDGE_SECRET, problems);
    if (listen != null && keys.isEmpty()) {
      problems.add(HMAC_SECRET + ": required when " + HTTP_LISTEN + " is set (at least one keyId:secret)");
    }
    int maxBody = positiveInt(s, MAX_BODY, problems);
    int maxInFlight = positiveInt(s, MAX_IN_FLIGHT, problems);
    List<String> roles = list(s.get(ROLE_ARNS));
    for (String r : roles) {
      if (!ROLE_ARN.matcher(r).matches()) {
        problems.add(ROLE_ARNS + ": expected IAM role ARNs (arn:aws:iam::123456789012:role/name), got '" + r + "'");
      }
    }
    List<String> ctRegions = regions(s, CT_REGIONS, problems);
    List<String> gdRegions = regions(s, GD_REGIONS, problems);
    List<Map.Entry<String, String>> attributes = new ArrayList<>();
    for (String a : list(s.get(CT_ATTRIBUTES))) {
      int eq = a.indexOf('=');
      String k = eq < 0 ? a : a.substring(0, eq);
      if (eq <= 0 || eq == a.length() - 1 || !ATTRIBUTE_KEYS.contains(k)) {
        problems.add(CT_ATTRIBUTES + ": expected AttributeKey=AttributeValue with a key of " + ATTRIBUTE_KEYS
            + ", got '" + a + "'");
      } else {
        attributes.add(Map.entry(k, a.substring(eq + 1)));
      }
    }
    String types = s.get(GD_TYPES).trim();
    List<String> findingTypes = types.equals("IAM") || types.isEmpty() ? IAM_FINDING_TYPES
        : types.equals("*") ? List.of() : list(types);
    double rate = 0;
    try {
      rate = Double.parseDouble(s.get(CT_RATE));
      if (!(rate > 0) || rate > 1000) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      problems.add(CT_RATE + ": expected a number of requests per second above 0, got '" + s.get(CT_RATE) + "'");
    }
    // the catalogue's name (the default) takes the instance's topic prefix; another name is used as given
    String topic = s.get(CHECKPOINT_TOPIC).isBlank() || s.get(CHECKPOINT_TOPIC).trim().equals(Topics.INGEST_CHECKPOINTS)
        ? io.glasswatch.schema.TopicNames.from(s).name(Topics.INGEST_CHECKPOINTS) : s.get(CHECKPOINT_TOPIC).trim();
    IngestSettings out = new IngestSettings(listen, keys, ebKeys, maxBody, maxInFlight,
        duration(s, ACK_TIMEOUT, problems), duration(s, CLOCK_SKEW, problems), roles,
        ctRegions, endpoint(s, CT_ENDPOINT, problems), attributes,
        duration(s, CT_INTERVAL, problems), duration(s, CT_OVERLAP, problems), duration(s, CT_LOOKBACK, problems),
        rate, list(s.get(CT_LOG_DIRS)).stream().map(Path::of).toList(), duration(s, CT_LOG_SCAN, problems),
        gdRegions, endpoint(s, GD_ENDPOINT, problems), findingTypes,
        duration(s, GD_INTERVAL, problems), duration(s, GD_OVERLAP, problems), duration(s, GD_LOOKBACK, problems),
        list(s.get(TAIL_FILES)).stream().map(Path::of).toList(), duration(s, TAIL_INTERVAL, problems), topic);
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new ConfigException(problems);
    }
    return out;
  }

  /** Whether any component is configured. */
  public boolean anyEnabled() {
    return httpListen != null || !cloudTrailRegions.isEmpty() || !guardDutyRegions.isEmpty()
        || !cloudTrailLogDirs.isEmpty() || !tailFiles.isEmpty();
  }

  /**
   * Parses a duration: a number with a unit ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}),
   * several concatenated ({@code 1h30m}), or ISO-8601 ({@code PT5M}).
   *
   * @throws IllegalArgumentException when {@code text} is neither
   */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  private static Map<String, byte[]> keyList(GlasswatchSettings s, String key, List<String> problems) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    String secrets = s.get(key).trim();
    if (secrets.isEmpty()) {
      return keys;
    }
    for (String item : secrets.split(",")) {
      int colon = item.indexOf(':');
      String id = colon < 0 ? "" : item.substring(0, colon).trim();
      String secret = colon < 0 ? "" : item.substring(colon + 1).trim();
      if (!id.matches("[A-Za-z0-9._-]{1,64}") || secret.length() < 32 || secret.matches(".*\\s.*")) {
        // never echo the secret itself
        problems.add(key + ": expected keyId:secret[,keyId:secret] with key ids of letters, digits,"
            + " '.', '_', '-' and secrets of at least 32 characters without whitespace; entry "
            + (keys.size() + 1) + " is not");
      } else if (keys.put(id, secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)) != null) {
        problems.add(key + ": key id '" + id + "' appears twice");
      }
    }
    return keys;
  }

  private static Duration duration(GlasswatchSettings s, String key, List<String> problems) {
    try {
      Duration d = parseDuration(s.get(key));
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (RuntimeException e) {
      problems.add(key + ": expected a positive duration such as 30s, 5m or PT5M, got '" + s.get(key) + "'");
      return Duration.ofSeconds(1);
    }
  }

  private static int positiveInt(GlasswatchSettings s, String key, List<String> problems) {
    try {
      int v = Integer.parseInt(s.get(key).trim());
      if (v < 1) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add(key + ": expected a whole number of at least 1, got '" + s.get(key) + "'");
      return 1;
    }
  }

  private static URI endpoint(GlasswatchSettings s, String key, List<String> problems) {
    String v = s.get(key).trim();
    if (v.isEmpty()) {
      return null;
    }
    try {
      URI u = URI.create(v);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    problems.add(key + ": expected an http:// or https:// URL, got '" + v + "'");
    return null;
  }

  private static List<String> regions(GlasswatchSettings s, String key, List<String> problems) {
    List<String> r = list(s.get(key));
    for (String region : r) {
      if (!REGION.matcher(region).matches()) {
        problems.add(key + ": expected AWS region names such as us-east-1, got '" + region + "'");
      }
    }
    return r;
  }

  private static List<String> list(String v) {
    return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  /** Every setting, HMAC keys shown by id only. */
  @Override
  public String toString() {
    return "IngestSettings[http=" + (httpListen == null ? "off" : httpListen.getHostString() + ":" + httpListen.getPort())
        + ", hmacKeys=" + hmacKeys.keySet() + " (secrets ****), eventBridgeKeys=" + eventBridgeKeys.keySet()
        + ", maxBodyBytes=" + maxBodyBytes
        + ", maxInFlightEvents=" + maxInFlightEvents + ", ackTimeout=" + ackTimeout + ", clockSkew=" + clockSkew
        + ", roleArns=" + roleArns + ", cloudTrailRegions=" + cloudTrailRegions + ", lookupAttributes="
        + lookupAttributes + ", cloudTrailPollInterval=" + cloudTrailPollInterval + ", cloudTrailOverlap="
        + cloudTrailOverlap + ", cloudTrailRequestsPerSecond=" + cloudTrailRequestsPerSecond
        + ", cloudTrailLogDirs=" + cloudTrailLogDirs + ", guardDutyRegions=" + guardDutyRegions
        + ", findingTypes=" + findingTypes.size() + " types, guardDutyPollInterval=" + guardDutyPollInterval
        + ", guardDutyOverlap=" + guardDutyOverlap + ", tailFiles=" + tailFiles + ", checkpointTopic="
        + checkpointTopic + "]";
  }
}
