package io.glasswatch.alerts.oncall;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notices as plain-text email over SMTP with Jakarta Mail (jakarta.ee/specifications/mail/,
 * implementation Eclipse Angus Mail), for teams without PagerDuty or chat.
 *
 * <p>Message: {@code From} and {@code To} as configured; {@code Subject: [Glasswatch] <headline>};
 * {@code Message-ID: <glasswatch.<notice key>@<from domain>>} (the same for every attempt, so a
 * mail system can drop duplicates) and {@code X-Glasswatch-Key: <notice key>}; the UTF-8 body holds
 * the summary, account, subject, request, evidence count and ids, the timeline and runbook links,
 * and for digests the grouped alerts. SMTP with optional {@code STARTTLS} and AUTH; connection and
 * I/O timeouts as configured. A rejected address ({@link SendFailedException}) is permanent; other
 * failures are retried with jittered backoff until {@code giveUpAfter}. The password never reaches
 * logs or errors.
 */
public final class EmailChannel implements NoticeChannel {
  /** The channel name used in delivery keys and routing rules. */
  public static final String NAME = "email";

  private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);

  /**
   * Where and how to send.
   *
   * @param host SMTP host
   * @param port SMTP port, 1-65535 (587 for submission with STARTTLS, 25 for relay)
   * @param startTls whether STARTTLS is required
   * @param username AUTH user, or blank for no authentication
   * @param password AUTH password (secret; masked in {@link #toString()})
   * @param from sender address
   * @param to recipient addresses, at least one
   * @param retry timeouts (connect, request = SMTP I/O), backoff and give-up time
   */
  public record Options(String host, int port, boolean startTls, String username, String password, String from,
      List<String> to, HttpPoster.Retry retry) {
    /** Validates every field at once. @throws IllegalArgumentException naming each problem */
    public Options {
      List<String> problems = new ArrayList<>();
      if (host == null || host.isBlank()) {
        problems.add("alerts.email.smtp-host: required");
      }
      if (port < 1 || port > 65535) {
        problems.add("alerts.email.smtp-port: expected 1-65535, got " + port);
      }
      if (!valid(from)) {
        problems.add("alerts.email.from: expected an email address, got '" + from + "'");
      }
      to = to == null ? List.of() : List.copyOf(to);
      if (to.isEmpty() || !to.stream().allMatch(Options::valid)) {
        problems.add("alerts.email.to: expected comma-separated email addresses, got " + to);
      }
      Objects.requireNonNull(retry, "retry");
      username = username == null ? "" : username;
      password = password == null ? "" : password;
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", problems));
      }
    }

    static boolean valid(String address) {
      try {
        new InternetAddress(address, true);
        return true;
      } catch (AddressException | NullPointerException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return "EmailChannel.Options{host=" + host + ", port=" + port + ", startTls=" + startTls + ", username=" + username
          + ", password=" + (password.isEmpty() ? "" : "****") + ", from=" + from + ", to=" + to + "}";
    }
  }

  private final Options options;
  private final Session session;

  /**
   * A channel.
   *
   * @param options SMTP server, credentials, addresses and retry bounds
   */
  public EmailChannel(Options options) {
    this.options = options;
    Properties p = new Properties();
    p.put("mail.smtp.host", options.host());
    p.put("mail.smtp.port", Integer.toString(options.port()));
    p.put("mail.smtp.connectiontimeout", Long.toString(options.retry().connectTimeout().toMillis()));
    p.put("mail.smtp.timeout", Long.toString(options.retry().requestTimeout().toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(options.retry().requestTimeout().toMillis()));
    p.put("mail.smtp.starttls.enable", Boolean.toString(options.startTls()));
    p.put("mail.smtp.starttls.required", Boolean.toString(options.startTls()));
    boolean auth = !options.username().isBlank();
    p.put("mail.smtp.auth", Boolean.toString(auth));
    this.session = Session.getInstance(p, auth ? new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(options.username(), options.password());
      }
    } : null);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int deliver(Notice notice, AttemptListener attempts) throws DeliveryException {
    long giveUpAt = System.nanoTime() + options.retry().giveUpAfter().toNanos();
    String last = "no attempt made";
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      try {
        Transport.send(message(notice));
        attempts.attempt(attempt, "success", "SMTP accepted", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return attempt;
      } catch (SendFailedException e) {
        last = "SMTP rejected the message: " + e.getClass().getSimpleName();
        attempts.attempt(attempt, "failure", last, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        throw new DeliveryException(NAME, attempt, true, -1, last);
      } catch (MessagingException e) {
        last = "SMTP error " + e.getClass().getSimpleName() + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")");
        attempts.attempt(attempt, "failure", last, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      }
      long cap = Math.min(options.retry().initialBackoff().toMillis() << Math.min(attempt - 1, 20),
          options.retry().maxBackoff().toMillis());
      long wait = cap / 2 + ThreadLocalRandom.current().nextLong(cap - cap / 2 + 1);
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait) >= giveUpAt) {
        throw new DeliveryException(NAME, attempt, false, -1, last + "; gave up after "
            + options.retry().giveUpAfter().toMillis() + " ms");
      }
      LOG.warn("email {} to {}:{}: attempt {} failed ({}); retrying in {} ms", notice.key(), options.host(),
          options.port(), attempt, last, wait);
      try {
        TimeUnit.MILLISECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException(NAME, attempt, false, -1, "interrupted while waiting to retry");
      }
    }
  }

  /**
   * The message of a notice (class Javadoc).
   *
   * @param n the notice
   * @return the MIME message, not yet sent
   * @throws MessagingException when an address cannot be set
   */
  MimeMessage message(Notice n) throws MessagingException {
    String domain = options.from().substring(options.from().indexOf('@') + 1);
    String messageId = "<glasswatch." + n.key().replaceAll("[^A-Za-z0-9._:-]", "_") + "@" + domain + ">";
    MimeMessage m = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
      }
    };
    m.setFrom(new InternetAddress(options.from()));
    for (String t : options.to()) {
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
    }
    m.setSubject("[Glasswatch] " + ChatText.headline(n), StandardCharsets.UTF_8.name());
    m.setHeader("X-Glasswatch-Key", n.key());
    m.setText(body(n), StandardCharsets.UTF_8.name());
    return m;
  }

  /**
   * The plain-text body of a notice.
   *
   * @param n the notice
   * @return lines separated by {@code \n}
   */
  public static String body(Notice n) {
    StringBuilder b = new StringBuilder();
    b.append(ChatText.headline(n)).append("\n\n").append(n.summary()).append("\n\n");
    for (String[] f : ChatText.fields(n)) {
      b.append(f[0]).append(": ").append(f[1]).append('\n');
    }
    if (!n.evidence().isEmpty()) {
      b.append("Evidence ids: ").append(String.join(", ", n.evidence())).append('\n');
    }
    b.append("Severity: ").append(n.severity()).append('\n');
    if (n.alertId() != null) {
      b.append("Alert: ").append(n.alertId()).append('\n');
    }
    b.append("At: ").append(AlertJson.iso(n.at())).append('\n');
    if (n.timelineUrl() != null) {
      b.append("Timeline: ").append(n.timelineUrl()).append('\n');
    }
    if (n.runbookUrl() != null) {
      b.append("Runbook: ").append(n.runbookUrl()).append('\n');
    }
    if (!n.grouped().isEmpty()) {
      b.append("\nGrouped alerts:\n");
      ChatText.groupedLines(n).forEach(l -> b.append("  ").append(l).append('\n'));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "EmailChannel{" + options + "}";
  }

}
