/** Test support for the alerts module: sample alerts, a verifying webhook receiver and log capture. */
package io.glasswatch.alerts.testing;
