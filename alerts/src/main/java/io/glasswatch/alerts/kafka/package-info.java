/** Kafka plumbing shared by the alert dispatcher and the revoke service: client settings and keyed-log replay. */
package io.glasswatch.alerts.kafka;
