/** Execution of revoke commands: deleting IAM Identity Center account assignments and confirming they are gone. */
package io.glasswatch.alerts.enforcement;
