/** Delivery of Glasswatch alerts to on-call channels (console, signed webhook), exactly once per alert and channel. */
package io.glasswatch.alerts.delivery;
