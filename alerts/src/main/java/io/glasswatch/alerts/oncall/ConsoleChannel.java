package io.glasswatch.alerts.oncall;

import io.glasswatch.schema.Alert;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * Prints one human-readable line per alert, e.g.
 * {@code [CRITICAL] UNAUTHORIZED_ROOT_USE account:123456789012 — Root signed in without a grant (evidence: 3 events) https://runbooks.example/root}.
 *
 * <p>Shape: {@code [<SEVERITY>] <alertType> <correlationId> — <summary> (evidence: <n> event[s]) <runbook>}.
 * Control characters in the alert's text (line breaks included) are replaced by spaces, so one
 * alert is always exactly one line and crafted input cannot forge extra lines. Alerts only: the
 * console never printed resolutions, enforcement notices or digests.
 */
public final class ConsoleChannel implements NoticeChannel {
  /** The channel name used in delivery keys. */
  public static final String NAME = "console";

  private final PrintStream out;

  /**
   * A console channel.
   *
   * @param out where lines go, e.g. {@code System.out}; flushed after every line
   */
  public ConsoleChannel(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The line printed for {@code alert}, without line terminator.
   *
   * @param alert the alert
   * @return one line, shape in the class Javadoc
   */
  public static String format(Alert alert) {
    int n = alert.getEvidence() == null ? 0 : alert.getEvidence().size();
    return "[" + oneLine(alert.getSeverity()).toUpperCase(Locale.ROOT) + "] "
        + oneLine(alert.getAlertType()) + " "
        + oneLine(alert.getCorrelationId()) + " — "
        + oneLine(alert.getSummary())
        + " (evidence: " + n + (n == 1 ? " event) " : " events) ")
        + oneLine(alert.getRunbook());
  }

  @Override
  public boolean supports(Notice.Kind kind) {
    return kind == Notice.Kind.ALERT;
  }

  /**
   * Prints {@link #format(Alert)} of the notice's alert and a line terminator.
   *
   * @return always 1
   * @throws DeliveryException when the stream reports an error ({@link PrintStream#checkError()})
   */
  @Override
  public int deliver(Notice notice, AttemptListener attempts) throws DeliveryException {
    long t0 = System.nanoTime();
    synchronized (out) {
      out.println(format(notice.alert()));
      if (out.checkError()) {
        attempts.attempt(1, "failure", "the output stream reported an error", (System.nanoTime() - t0) / 1_000_000);
        throw new DeliveryException(NAME, 1, false, -1, "the output stream reported an error");
      }
    }
    attempts.attempt(1, "success", "printed", (System.nanoTime() - t0) / 1_000_000);
    return 1;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return b.toString();
  }

  @Override
  public String toString() {
    return "ConsoleChannel";
  }
}
