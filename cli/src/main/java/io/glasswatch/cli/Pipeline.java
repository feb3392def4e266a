package io.glasswatch.cli;

import io.glasswatch.alerts.AlertsSettings;
import io.glasswatch.alerts.enforcement.OverlappingGrants;
import io.glasswatch.alerts.enforcement.RevokeService;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glasswatch's long-running services in one process: the Kafka Streams app (correlation and
 * detection), on-call delivery ({@link OnCallDispatcher}: console, signed webhook, PagerDuty, Slack,
 * Mattermost, email, routed by the policy file's {@code routing:} section), the revoke executor (IAM Identity
 * Center), and the Elasticsearch timeline sink. Each runs on its own thread; {@link #close()} stops
 * them in reverse order. {@code glasswatch serve} and {@code glasswatch demo} both use it.
 */
public final class Pipeline implements AutoCloseable {
  /** A service of the pipeline. */
  public enum Service { STREAMS, ALERTS, REVOKER, SINK }

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final List<AutoCloseable> started = new ArrayList<>();
  private StreamsService streams;
  private OnCallDispatcher dispatcher;
  private RevokeService revoker;
  private SsoAdminRevoker ssoRevoker;
  private TimelineSink sink;

  private Pipeline() {}

  /**
   * Starts {@code services} against the servers of {@code settings} with {@link Policy#defaults()};
   * the topics must exist.
   *
   * @param console where the console alert channel prints (one line per alert)
   * @throws IllegalStateException when the streams app does not reach RUNNING within 60 s
   */
  public static Pipeline start(GlasswatchSettings settings, Set<Service> services, PrintStream console) {
    return start(settings, Policy.defaults(), services, console);
  }

  /**
   * Starts {@code services} against the servers of {@code settings}; the topics must exist.
   *
   * @param policy the detection policy the streams app applies
   * @param console where the console alert channel prints (one line per alert)
   * @throws IllegalStateException when the streams app does not reach RUNNING within 60 s
   */
  public static Pipeline start(GlasswatchSettings settings, Policy policy, Set<Service> services,
      PrintStream console) {
    Pipeline p = new Pipeline();
    try {
      AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
      if (services.contains(Service.SINK)) {
        p.sink = new TimelineSink(settings);
        p.started.add(p.sink);
        p.sink.start();
      }
      AlertsSettings alerts = services.contains(Service.REVOKER) || services.contains(Service.ALERTS)
          ? AlertsSettings.from(settings) : null; // validated once, every problem at once
      if (services.contains(Service.REVOKER)) {
        p.ssoRevoker = SsoAdminRevoker.fromSettings(alerts.revoke(), alerts.revoke().revokerOptions(),
            SsoAdminClients.Tuning.defaults());
        p.revoker = new RevokeService(settings, p.ssoRevoker, RevokeService.Options.defaults()
            .withParallelism(alerts.revoke().parallelism()), OverlappingGrants.FROM_COMMAND, alerts.policy());
        p.started.add(p.revoker);
        p.started.add(p.ssoRevoker);
        daemon("glasswatch-revoker", p.revoker).start();
      }
      if (services.contains(Service.ALERTS)) {
        OnCallChannels.Setup setup = OnCallChannels.create(alerts.channels(), alerts.policyFile().orElse(null),
            new ConsoleChannel(console));
        p.dispatcher = new OnCallDispatcher(settings, setup.channels(), setup.routing(),
            OnCallDispatcher.Options.defaults());
        p.started.add(p.dispatcher);
        daemon("glasswatch-alerts", p.dispatcher).start();
      }
      if (services.contains(Service.STREAMS)) {
        p.streams = new StreamsService(StreamsSettings.from(settings, policy), serdes);
        p.started.add(p.streams);
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

  /** Whether revokes are recorded without calling AWS. */
  public boolean revokesAreDryRun() {
    return ssoRevoker != null && ssoRevoker.isDryRun();
  }

  /** The timeline sink, or null when not started. */
  public TimelineSink sink() {
    return sink;
  }

  /** Stops every started service, newest first; errors are logged, not thrown. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}: {}", started.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    started.clear();
  }
}
