package io.glasswatch.alerts.oncall;

import io.glasswatch.schema.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The readable lines shared by the chat channels (Slack, Mattermost) and email. */
final class ChatText {
  private ChatText() {}

  /** Emoji-free headline, e.g. {@code [CRITICAL] UNAUTHORIZED_ROOT_USE} or {@code Resolved: ROTATION_OVERDUE}. */
  static String headline(Notice n) {
    return switch (n.kind()) {
      case ALERT -> "[" + n.severity().toUpperCase(Locale.ROOT) + "] " + n.alertType();
      case RESOLVED -> "Resolved: " + n.alertType();
      case ENFORCEMENT -> n.title();
      case DIGEST -> "Storm digest: " + n.grouped().size() + " more " + n.alertType() + " alerts";
      case STORM -> "Alert storm: " + n.alertType();
    };
  }

  /** Label/value pairs: account, subject, request, evidence count (absent values as {@code -}). */
  static List<String[]> fields(Notice n) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Account", dash(n.accountId())});
    f.add(new String[] {"Subject", dash(n.subject())});
    f.add(new String[] {"Request", dash(n.requestId())});
    f.add(new String[] {"Evidence", Integer.toString(n.evidence().size())});
    return f;
  }

  /** One line per grouped alert of a digest, at most 20, then a count of the rest. */
  static List<String> groupedLines(Notice n) {
    List<String> lines = new ArrayList<>();
    int i = 0;
    for (Alert a : n.grouped()) {
      if (i++ == 20) {
        lines.add("… and " + (n.grouped().size() - 20) + " more");
        break;
      }
      lines.add(a.getAlertId() + " " + dash(a.getAccountId()) + " " + dash(a.getRequestId()) + ": " + a.getSummary());
    }
    return lines;
  }

  static String dash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  /** Colour bar of a severity: red, orange, yellow, grey; green for resolutions and confirmed revokes. */
  static String colour(Notice n) {
    if (n.kind() == Notice.Kind.RESOLVED || "REVOKE_CONFIRMED".equals(n.alertType())) {
      return "#2EB67D";
    }
    return switch (n.severity()) {
      case "critical" -> "#D40E0D";
      case "high" -> "#E8912D";
      case "medium" -> "#ECB22E";
      default -> "#868686";
    };
  }
}
