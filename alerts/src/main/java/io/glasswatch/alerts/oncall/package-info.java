/**
 * On-call delivery of Glasswatch alerts and enforcement notices: routing from the policy file, one
 * queue per channel (PagerDuty, Slack, Mattermost, email, signed webhook, console), retries with a
 * give-up time, dead-letter and fallback, storm digests, and delivery state kept in Kafka.
 */
package io.glasswatch.alerts.oncall;
