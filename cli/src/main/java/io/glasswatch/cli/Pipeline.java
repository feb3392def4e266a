package io.glasswatch.cli;

import io.glasswatch.alerts.AlertsSettings;
import io.glasswatch.alerts.enforcement.ContainmentPolicy;
import io.glasswatch.alerts.enforcement.ContainmentService;
import io.glasswatch.alerts.enforcement.OverlappingGrants;
import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.alerts.enforcement.SessionContainer;
import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.alerts.enforcement.SsoAdminRevoker;
import io.glasswatch.alerts.oncall.ConsoleChannel;
import io.glasswatch.alerts.oncall.OnCallChannels;
import io.glasswatch.alerts.oncall.OnCallDispatcher;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.sinks.timeline.TimelineSink;
import io.glasswatch.streams.StreamsService;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.policy.Policy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glasswatch's long-running services in one process: the Kafka Streams app (correlation and
 * detection), on-call delivery ({@link OnCallDispatcher}: console, signed webhook, PagerDuty, Slack,
 * Mattermost, email, routed by the policy file's {@code routing:} section), the revoke executor (IAM Identity
 * Center), and the Elasticsearch timeline sink. Each runs on its own thread; {@link #close()} stops
 * them once, in reverse order. {@code glasswatch serve} and {@code glasswatch demo} both use it.
 */
public final class Pipeline implements AutoCloseable {
  /** A service of the pipeline. */
  public enum Service { STREAMS, ALERTS, REVOKER, SINK }

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final ServiceGroup started;
  private StreamsService streams;
  private OnCallDispatcher dispatcher;
  private RevokeService revoker;
  private SsoAdminRevoker ssoRevoker;
  private SessionContainer container;
  private ContainmentService containment;
  private TimelineSink sink;

  private Pipeline(Consumer<String> progress) {
    this.started = new ServiceGroup(progress);
  }

  /**
   * Starts {@code services} against the servers of {@code settings} with the policy of the setting
   * {@code policy.file} (else {@link Policy#defaults()}); the topics must exist.
   *
   * @param console where the console alert channel prints (one line per alert)
   * @throws IllegalStateException when the streams app does not reach RUNNING within 60 s
   */
  public static Pipeline start(GlasswatchSettings settings, Set<Service> services, PrintStream console) {
    return start(settings, PolicySource.load(null, settings), services, console);
  }

  /**
   * Starts {@code services} against the servers of {@code settings} with {@code policy}; the topics
   * must exist. Stops are logged at debug level.
   *
   * @see #start(GlasswatchSettings, PolicySource, Set, PrintStream, Consumer)
   */
  public static Pipeline start(GlasswatchSettings settings, PolicySource policy, Set<Service> services,
      PrintStream console) {
    return start(settings, policy, services, console, line -> LOG.debug(line));
  }

  /**
   * Starts {@code services} against the servers of {@code settings}; the topics must exist.
   *
   * @param policy the policy every service applies: the streams app detects with its rules, on-call
   *     delivery routes by its file's {@code routing:} section (the setting {@code policy.file} is not
   *     read again)
   * @param console where the console alert channel prints (one line per alert)
   * @param progress receives {@code stopped <service>} as each service stops on {@link #close()}
   * @throws IllegalStateException when the streams app does not reach RUNNING within 60 s
   * @throws io.glasswatch.config.ConfigException when a channel's settings or the routing are invalid
   */
  public static Pipeline start(GlasswatchSettings settings, PolicySource policy, Set<Service> services,
      PrintStream console, Consumer<String> progress) {
    Pipeline p = new Pipeline(progress);
    try {
      AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
      if (services.contains(Service.SINK)) {
        p.sink = p.started.add("timeline sink", new TimelineSink(settings));
        p.sink.start();
      }
      // the alerts module reads the policy file (alert overrides, revoke deadline, routing) from policy.file:
      // it gets the file of the chosen policy, so that every service applies the same one
      AlertsSettings alerts = services.contains(Service.REVOKER) || services.contains(Service.ALERTS)
          ? AlertsSettings.from(settings.with(GlasswatchSettings.POLICY_FILE,
              policy.file().map(Path::toString).orElse(""))) : null; // validated once, every problem at once
      if (services.contains(Service.REVOKER)) {
        p.ssoRevoker = p.started.add("IAM Identity Center client", SsoAdminRevoker.fromSettings(alerts.revoke(),
            alerts.revoke().revokerOptions(), SsoAdminClients.Tuning.defaults()));
        p.revoker = p.started.add("revoke executor", new RevokeService(settings, p.ssoRevoker, alerts.revokeOptions(),
            OverlappingGrants.FROM_COMMAND, alerts.policy()));
        daemon("glasswatch-revoker", p.revoker).start();
        // containment of issued sessions runs with the revoke executor; its policy section is validated here
        ContainmentPolicy contain = ContainmentPolicy.load(policy.file().orElse(null));
        p.container = p.started.add("session containment client", SessionContainer.fromSettings(alerts.revoke(),
            SsoAdminClients.Tuning.defaults(), SessionContainer.Options.defaults()));
        p.containment = p.started.add("session containment", new ContainmentService(settings, p.container, contain,
            alerts.policy(), ContainmentService.Options.defaults(alerts.topics()), java.time.Clock.systemUTC()));
        daemon("glasswatch-containment", p.containment).start();
      }
      if (services.contains(Service.ALERTS)) {
        OnCallChannels.Setup setup = OnCallChannels.create(alerts.channels(), alerts.policyFile().orElse(null),
            new ConsoleChannel(console));
        p.dispatcher = new OnCallDispatcher(settings, setup.channels(), setup.routing(),
            alerts.dispatcherOptions());
        p.started.add("alert delivery", p.dispatcher);
        daemon("glasswatch-alerts", p.dispatcher).start();
      }
      if (services.contains(Service.STREAMS)) {
        p.streams = p.started.add("streams app",
            new StreamsService(StreamsSettings.from(settings, policy.policy()), serdes));
        p.streams.start();
        if (!p.streams.awaitRunning(Duration.ofSeconds(60))) {
          throw new IllegalStateException("the streams app did not reach RUNNING within 60 s (state "
              + p.streams.state() + (p.streams.failure() == null ? "" : ", " + p.streams.failure()) + ")");
        }
      }
      return p;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.close();
      throw new IllegalStateException("interrupted while starting the pipeline", e);
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** All services. */
  public static Set<Service> all() {
    return EnumSet.allOf(Service.class);
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The streams app, or null when not started. */
  public StreamsService streams() {
    return streams;
  }

  /** On-call delivery, or null when not started. */
  public OnCallDispatcher dispatcher() {
    return dispatcher;
  }

  /** The revoke executor, or null when not started. */
  public RevokeService revoker() {
    return revoker;
  }

  /** The containment service, or null when not started. */
  public ContainmentService containment() {
    return containment;
  }

  /** Whether revokes are recorded without calling AWS. */
  public boolean revokesAreDryRun() {
    return ssoRevoker != null && ssoRevoker.isDryRun();
  }

  /** The timeline sink, or null when not started. */
  public TimelineSink sink() {
    return sink;
  }

  /**
   * Stops every started service exactly once, newest first, also when called again or from several
   * threads at once (see {@link ServiceGroup}); errors are logged, not thrown.
   */
  @Override
  public void close() {
    started.close();
  }
}
