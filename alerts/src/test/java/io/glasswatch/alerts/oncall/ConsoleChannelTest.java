package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.alerts.testing.TestAlerts;
import io.glasswatch.schema.Alert;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleChannelTest {

  @Test
  void printsOneReadableLinePerAlert() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ConsoleChannel console = new ConsoleChannel(new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertThat(console.deliver(Notice.of(TestAlerts.rootUse("a-1"), Links.NONE), NoticeChannel.AttemptListener.NONE)).isEqualTo(1);
    assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(
        "[CRITICAL] UNAUTHORIZED_ROOT_USE account:123456789012 — Root user activity in account 123456789012 without"
            + " a covering break-glass grant. (evidence: 3 events) https://runbooks.example.com/break-glass#unauthorized-root-use"
            + System.lineSeparator());
  }

  @Test
  void keepsAnAlertOnOneLineEvenWhenItsTextHasLineBreaks() {
    Alert a = Alert.newBuilder(TestAlerts.rootUse("a-2")).setSummary("first\nFAKE [CRITICAL] line\r\n")
        .setEvidence(List.of("ct-1")).build();
    String line = ConsoleChannel.format(a);
    assertThat(line).doesNotContain("\n").doesNotContain("\r").contains("first FAKE [CRITICAL] line").contains("(evidence: 1 event)");
  }

  @Test
  void reportsAFailingStream() {
    PrintStream broken = new PrintStream(new OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        throw new java.io.IOException("disk full");
      }
    });
    assertThatThrownBy(() -> new ConsoleChannel(broken).deliver(Notice.of(TestAlerts.rootUse("a-3"), Links.NONE), NoticeChannel.AttemptListener.NONE))
        .isInstanceOf(DeliveryException.class)
        .hasMessageContaining("console delivery failed");
  }
}
