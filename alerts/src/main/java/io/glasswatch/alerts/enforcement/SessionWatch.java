package io.glasswatch.alerts.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.ContainResult;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Confirms a containment from CloudTrail: the contained sessions' next calls must be denied.
 *
 * <p>Rule: a normalized CloudTrail record belongs to a contained session when it is in the
 * containment's account, its {@code userIdentity.arn} is {@code arn:aws:sts::<account>:assumed-role/<role>/<session>}
 * with {@code <role>} the contained role (for a permission set: any {@code AWSReservedSSO_*} role, SPEC 1.6)
 * and the session is the contained one (session name equal to the command's {@code sessionName}, or
 * {@code userIdentity.onBehalfOf.userId} equal to the contained identity store user), and the session
 * was issued before the deny ({@code sessionContext.attributes.creationDate} before {@code deniedBefore};
 * a record without a creation date counts when its {@code accessKeyId} was seen earlier with an older
 * one). Such a record with an access-denied {@code errorCode} ({@code AccessDenied*},
 * {@code UnauthorizedOperation}) confirms the containment ({@link Verdict#denied()}, once per
 * containment); one without {@code errorCode} whose {@code eventTime} is after the containment was
 * confirmed ({@code completedAt}) is a success the deny should have stopped ({@code CONTAINMENT_FAILED},
 * once per containment). A watch ends at {@code cleanupAfter}. Record fields: CloudTrail userIdentity
 * element (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
 *
 * <p>Not thread-safe: one thread feeds it.
 */
final class SessionWatch {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
      "Client.UnauthorizedOperation", "UnauthorizedAccess");

  /**
   * A verdict about one containment.
   *
   * @param contained the containment's result
   * @param event the CloudTrail record
   * @param denied true: the session was denied (confirmation); false: it succeeded (CONTAINMENT_FAILED)
   */
  record Verdict(ContainResult contained, CloudTrailEvent event, boolean denied) {}

  private static final class Watch {
    final ContainResult r;
    boolean deniedSeen;
    boolean successSeen;

    Watch(ContainResult r) {
      this.r = r;
    }
  }

  private final Map<String, Watch> watches = new LinkedHashMap<>();
  private final Map<String, Instant> oldKeys = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> e) {
      return size() > 100_000;
    }
  };

  /** Watches the sessions of a CONTAINED result (replacing an earlier watch of the command). */
  void watch(ContainResult r) {
    if ("CONTAINED".equals(r.getOutcome())) {
      watches.put(r.getCommandId(), new Watch(r));
    }
  }

  /** Stops watching a command. */
  void forget(String commandId) {
    watches.remove(commandId);
  }

  /** Commands watched. */
  int size() {
    return watches.size();
  }

  /**
   * Judges one record.
   *
   * @param e the record
   * @param now wall clock, to end watches past their clean-up time
   * @return the verdicts it decides (usually none)
   */
  List<Verdict> judge(CloudTrailEvent e, Instant now) {
    watches.values().removeIf(w -> w.r.getCleanupAfter() != null && now.isAfter(w.r.getCleanupAfter()));
    if (watches.isEmpty() || e.getUserIdentityArn() == null) {
      return List.of();
    }
    String arn = e.getUserIdentityArn();
    int i = arn.indexOf(":assumed-role/");
    if (!arn.startsWith("arn:aws") || i < 0) {
      return List.of();
    }
    String[] parts = arn.substring(i + ":assumed-role/".length()).split("/", 2);
    if (parts.length < 2) {
      return List.of();
    }
    String role = parts[0];
    String session = parts[1];
    JsonNode identity = identity(e);
    Instant created = creationDate(identity);
    String onBehalfOf = identity.path("onBehalfOf").path("userId").asText(null);
    List<Verdict> out = new ArrayList<>();
    for (Watch w : watches.values()) {
      ContainResult r = w.r;
      String account = e.getRecipientAccountId();
      if (account != null && !account.equals(r.getAccountId())) {
        continue;
      }
      if (!arn.contains("::" + r.getAccountId() + ":")) {
        continue;
      }
      boolean roleMatches = "PERMISSION_SET".equals(r.getTargetType()) ? role.startsWith("AWSReservedSSO_")
          : role.equals(RolePolicy.roleName(r.getTargetArn()));
      if (!roleMatches) {
        continue;
      }
      boolean sessionMatches = (r.getSessionName() != null && r.getSessionName().equals(session))
          || (r.getPrincipalId() != null && r.getPrincipalId().equals(onBehalfOf))
          || ("IAM_ROLE".equals(r.getTargetType()) && r.getSessionName() == null);
      if (!sessionMatches) {
        continue;
      }
      Instant issued = created;
      if (issued == null && e.getAccessKeyId() != null) {
        issued = oldKeys.get(e.getAccessKeyId());
      }
      if (issued == null || !issued.isBefore(r.getDeniedBefore())) {
        continue;
      }
      if (e.getAccessKeyId() != null && created != null) {
        oldKeys.put(e.getAccessKeyId(), created);
      }
      String code = e.getErrorCode();
      if (code != null && (DENIED.contains(code) || code.startsWith("AccessDenied"))) {
        if (!w.deniedSeen) {
          w.deniedSeen = true;
          out.add(new Verdict(r, e, true));
        }
      } else if (code == null && e.getEventTime().isAfter(r.getCompletedAt()) && !w.successSeen) {
        w.successSeen = true;
        out.add(new Verdict(r, e, false));
      }
    }
    return out;
  }

  private static JsonNode identity(CloudTrailEvent e) {
    try {
      return JSON.readTree(e.getRecord()).path("userIdentity");
    } catch (Exception ex) {
      return JSON.missingNode();
    }
  }

  private static Instant creationDate(JsonNode identity) {
    String s = identity.path("sessionContext").path("attributes").path("creationDate").asText(null);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException ex) {
      return null;
    }
  }
}
