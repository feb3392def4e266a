/** Enforcement: revoke commands issued for alerts, addressed to IAM Identity Center account assignments. */
package io.glasswatch.streams.enforcement;
