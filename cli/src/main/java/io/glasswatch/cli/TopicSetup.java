package io.glasswatch.cli;

import io.glasswatch.alerts.enforcement.ContainmentService;
import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.alerts.oncall.OnCallDispatcher;
import io.glasswatch.cli.config.CliSettings;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import io.glasswatch.sinks.timeline.TimelineSinkOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Glasswatch's topics (and, for the demo, removes them with the consumer groups and
 * Kafka Streams internal topics, so that a run starts from empty topics).
 *
 * <p>Topics get {@code partitions} partitions and the broker's replication factor. Records carry
 * their event time as Kafka timestamp, so a time-based retention would delete a replay of last
 * year's CloudTrail within minutes: every topic is created with {@code retention.ms=-1} (keep; the
 * operator sets a size or time limit deliberately). {@code revoke-results} is also compacted by
 * command id, because the revoke executor rebuilds the set of executed commands from it at start-up;
 * so is {@code contain-results}, from which the containment service rebuilds its executed commands and
 * pending clean-ups. Topic and group names are those of the settings' instance ({@code kafka.topic-prefix},
 * {@link TopicNames}): a prefixed instance never creates or deletes another instance's topics.
 */
public final class TopicSetup {
  /** Default partitions of every Glasswatch topic. */
  public static final int DEFAULT_PARTITIONS = 3;

  private TopicSetup() {}

  /** Admin client properties for {@code settings}. */
  static Properties adminProperties(GlasswatchSettings settings) {
    return CliSettings.from(settings).adminProperties();
  }

  /**
   * Creates every topic of {@link Topics#all()} that does not exist yet, with the settings' topic prefix.
   *
   * @throws IllegalStateException when Kafka cannot be reached within 30 s
   */
  public static void ensure(GlasswatchSettings settings, int partitions) {
    try (Admin admin = Admin.create(adminProperties(settings))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      TopicNames names = TopicNames.from(settings);
      for (String t : names.all()) {
        if (!existing.contains(t)) {
          NewTopic nt = new NewTopic(t, partitions, (short) -1);
          nt.configs(t.equals(names.name(Topics.REVOKE_RESULTS)) || t.equals(names.name(Topics.CONTAIN_RESULTS))
              ? Map.of("cleanup.policy", "compact", "retention.ms", "-1")
              : Map.of("retention.ms", "-1"));
          missing.add(nt);
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics on "
          + settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Deletes the consumer groups. A group that still has members (a process that crashed or did not
   * leave the group) is retried until its members' sessions expire, at most 60 s.
   */
  private static void deleteGroups(Admin admin, List<String> groups, GlasswatchSettings settings)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> left = new ArrayList<>(groups);
    while (!left.isEmpty()) {
      List<String> busy = new ArrayList<>();
      for (var e : admin.deleteConsumerGroups(left).deletedGroups().entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof GroupNotEmptyException) {
            busy.add(e.getKey());
          } else if (!(ex.getCause() instanceof GroupIdNotFoundException)) {
            throw ex;
          }
        }
      }
      if (busy.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("consumer groups " + busy + " still have members: another Glasswatch"
            + " process is running against " + settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP) + "; stop it first");
      }
      TimeUnit.SECONDS.sleep(1);
      left = busy;
    }
  }

  /**
   * Deletes Glasswatch's topics, the Kafka Streams internal topics of {@code applicationId}, the
   * alert delivery log, and the consumer groups of every service, then waits until Kafka no longer
   * lists the topics. Only the settings' instance is touched: its topic prefix names the topics and
   * groups deleted.
   */
  public static void reset(GlasswatchSettings settings, String applicationId) {
    try (Admin admin = Admin.create(adminProperties(settings))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Set<String> doomed = new HashSet<>();
      TopicNames names = TopicNames.from(settings);
      for (String t : existing) {
        if (names.isCatalogueTopic(t) || t.equals(names.name(OnCallDispatcher.DELIVERIES_TOPIC))
            || t.equals(names.name(OnCallDispatcher.EVENTS_TOPIC))
            || t.startsWith(applicationId + "-")) {
          doomed.add(t);
        }
      }
      // every service's group: a group left behind would resume the recreated topics at its old offsets
      List<String> groups = List.of(applicationId, names.group(OnCallDispatcher.GROUP_ID),
          names.group(RevokeService.GROUP_ID), names.group(ContainmentService.GROUP_ID),
          names.group(ContainmentService.GROUP_ID) + "-cloudtrail", names.group(TimelineSinkOptions.GROUP_ID));
      deleteGroups(admin, groups, settings);
      if (!doomed.isEmpty()) {
        admin.deleteTopics(doomed).all().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
          Set<String> left = new HashSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
          left.retainAll(doomed);
          if (left.isEmpty()) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("topics still listed 30 s after deletion: " + left);
          }
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot reset topics on "
          + settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while resetting topics", e);
    }
  }
}
