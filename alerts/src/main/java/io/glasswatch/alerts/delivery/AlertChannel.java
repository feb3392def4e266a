package io.glasswatch.alerts.delivery;

import io.glasswatch.schema.Alert;

/**
 * An on-call channel an alert can be delivered to. The on-call dispatcher
 * ({@code io.glasswatch.alerts.oncall.OnCallDispatcher}, through {@code LegacyChannel}) calls
 * {@link #deliver(Alert)} at most once per alert and channel after a success; a channel retries
 * transient failures itself, within its own bounds, before giving up.
 */
public interface AlertChannel {

  /**
   * The channel's stable name, part of the delivery key {@code <alertId>|<name>} in the
   * {@code alert-deliveries} topic: renaming a channel re-delivers every alert to it.
   *
   * @return a short lower-case name without {@code |}, e.g. {@code console} or {@code webhook}
   */
  String name();

  /**
   * Delivers one alert, retrying transient failures within the channel's bounds.
   *
   * @param alert the alert
   * @return how many attempts the delivery took (at least 1)
   * @throws DeliveryException when the alert could not be delivered; the message never contains
   *     secrets (webhook URL token, signing key)
   */
  int deliver(Alert alert) throws DeliveryException;
}
