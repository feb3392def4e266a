package io.glasswatch.cli.demo;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.schema.Alert;
import io.glasswatch.streams.replay.ReplayResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How the demo compares the live run's alerts with the offline replay's: by alert id, except for
 * {@code REPEATED_BREAK_GLASS}, compared by subject and rank, because which request takes a requester over
 * {@code repeatThreshold} follows the order requests reach the subject stage (README, "Limits of this
 * version").
 */
public final class AlertComparison {
  private AlertComparison() {}

  /**
   * Alert id to the finding it stands for: the id itself, except for {@code REPEATED_BREAK_GLASS}, whose
   * request depends on arrival order live (see the summary): {@code REPEATED_BREAK_GLASS <subject>#<n>}, the
   * n-th such alert of that subject in event time.
   */
  public static Map<String, String> findingKeys(List<Alert> alerts) {
    Map<String, String> out = new TreeMap<>();
    Map<String, Integer> seen = new TreeMap<>();
    alerts.stream().sorted(Comparator.comparing(Alert::getEventTime).thenComparing(Alert::getAlertId)).forEach(a -> {
      if (AlertType.REPEATED_BREAK_GLASS.name().equals(a.getAlertType())) {
        String subject = String.valueOf(a.getSubject());
        out.put(a.getAlertId(), a.getAlertType() + " " + subject + "#" + seen.merge(subject, 1, Integer::sum));
      } else {
        out.put(a.getAlertId(), a.getAlertId());
      }
    });
    return out;
  }

  /**
   * One line per alert that only the live run or only the offline replay (with its prediction) has: an
   * arrival-order difference of the same finding, or a real difference.
   */
  public static List<String> differences(List<Alert> alerts, ReplayResult expected, Set<String> liveIds,
      Set<String> replayIds, Map<String, String> liveKeys, Map<String, String> replayKeys) {
    Map<String, Alert> byId = new TreeMap<>();
    expected.alerts().forEach(a -> byId.put(a.getAlertId(), a));
    alerts.forEach(a -> byId.put(a.getAlertId(), a));
    Set<String> replayFindings = new TreeSet<>(replayKeys.values());
    Set<String> liveFindings = new TreeSet<>(liveKeys.values());
    List<String> out = new ArrayList<>();
    for (String id : liveIds) {
      if (!replayIds.contains(id)) {
        Alert a = byId.get(id);
        String finding = liveKeys.get(id);
        if (replayFindings.contains(finding)) {
          String other = replayKeys.entrySet().stream().filter(e -> e.getValue().equals(finding)).map(Map.Entry::getKey)
              .findFirst().map(byId::get).map(Alert::getCorrelationId).orElse("?");
          out.add("arrival order: " + a.getAlertType() + " of " + a.getSubject() + " names request " + a.getCorrelationId()
              + " live, " + other + " in the replay (the same finding: requests less than a commit apart reach the"
              + " subject stage in either order)");
        } else {
          out.add("only live:   " + a.getAlertType() + " " + a.getCorrelationId() + " (" + id + ")");
        }
      }
    }
    for (String id : replayIds) {
      if (!liveIds.contains(id) && !liveFindings.contains(replayKeys.get(id))) {
        Alert a = byId.get(id);
        out.add("only replay: " + (a == null ? "REVOKE_FAILED (predicted)" : a.getAlertType() + " " + a.getCorrelationId())
            + " (" + id + ")");
      }
    }
    return out;
  }

}
