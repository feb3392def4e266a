/** The alerts service: on-call delivery, the revoke executor and their settings (AlertsSettings). */
package io.glasswatch.alerts;
