package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.glasswatch.alerts.testing.TestAlerts;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The email channel against a real SMTP server (GreenMail) on a free loopback port. */
class EmailChannelTest {
  private static final HttpPoster.Retry FAST = new HttpPoster.Retry(Duration.ofSeconds(2), Duration.ofSeconds(2),
      Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(2));
  private GreenMail smtp;

  @BeforeEach
  void start() {
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.setUser("oncall@example.com", "glasswatch", "s3cret-pass");
    smtp.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
  }

  private EmailChannel.Options options(String password) {
    return new EmailChannel.Options("127.0.0.1", smtp.getSmtp().getPort(), false, "glasswatch", password,
        "glasswatch@example.com", List.of("oncall@example.com"), FAST);
  }

  @Test
  void sendsTheAlertWithSubjectFieldsLinksAndAStableMessageId() throws Exception {
    Notice n = Notice.of(TestAlerts.rootUse("e1"), new Links("https://kibana.example/t/{correlationId}", ""));
    EmailChannel ch = new EmailChannel(options("s3cret-pass"));
    assertThat(ch.deliver(n, NoticeChannel.AttemptListener.NONE)).isEqualTo(1);
    assertThat(smtp.waitForIncomingEmail(5000, 1)).isTrue();
    MimeMessage m = smtp.getReceivedMessages()[0];
    assertThat(m.getSubject()).isEqualTo("[Glasswatch] [CRITICAL] UNAUTHORIZED_ROOT_USE");
    assertThat(m.getMessageID()).isEqualTo("<glasswatch.e1@example.com>");
    assertThat(m.getHeader("X-Glasswatch-Key")[0]).isEqualTo("e1");
    String body = GreenMailUtil.getBody(m);
    assertThat(body).contains("Account: 123456789012").contains("Subject: root").contains("Evidence: 3")
        .contains("Evidence ids: ct-1, ct-2, gd-1").contains("Timeline: https://kibana.example/t/account%3A123456789012")
        .contains("Runbook: https://runbooks.example.com/break-glass#unauthorized-root-use");
    assertThat(ch.toString()).doesNotContain("s3cret-pass");
  }

  @Test
  void aRefusedLoginIsRetriedUntilTheGiveUpTimeAndNeverNamesThePassword() {
    EmailChannel ch = new EmailChannel(options("wrong-pass-xyz"));
    Notice n = Notice.of(TestAlerts.rootUse("e2"), Links.NONE);
    assertThatThrownBy(() -> ch.deliver(n, NoticeChannel.AttemptListener.NONE))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.attempts()).isGreaterThan(1);
          assertThat(e.getMessage()).contains("gave up").doesNotContain("wrong-pass-xyz");
        });
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }
}
