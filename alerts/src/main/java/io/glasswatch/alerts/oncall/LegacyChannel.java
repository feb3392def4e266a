package io.glasswatch.alerts.oncall;

import io.glasswatch.alerts.delivery.AlertChannel;
import io.glasswatch.alerts.delivery.DeliveryException;
import java.util.Objects;

/**
 * An {@link AlertChannel} (console, signed webhook) as a {@link NoticeChannel}: it delivers alert
 * notices through {@link AlertChannel#deliver}, unchanged (the webhook body stays the alert JSON of
 * {@code AlertJson}, signed as before), and no other kind. Its retries are its own; the attempt
 * listener hears of the outcome only.
 */
public final class LegacyChannel implements NoticeChannel {
  private final AlertChannel channel;

  /**
   * Wraps a channel.
   *
   * @param channel the alert channel
   */
  public LegacyChannel(AlertChannel channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  @Override
  public String name() {
    return channel.name();
  }

  @Override
  public boolean supports(Notice.Kind kind) {
    return kind == Notice.Kind.ALERT;
  }

  @Override
  public int deliver(Notice notice, AttemptListener attempts) throws DeliveryException {
    long t0 = System.nanoTime();
    try {
      int n = channel.deliver(notice.alert());
      attempts.attempt(n, "success", "delivered", (System.nanoTime() - t0) / 1_000_000);
      return n;
    } catch (DeliveryException e) {
      attempts.attempt(e.attempts(), "failure", e.getMessage(), (System.nanoTime() - t0) / 1_000_000);
      throw e;
    }
  }

  @Override
  public void close() {
    if (channel instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // closing an HTTP client does not fail in practice; nothing to do
      }
    }
  }
}
