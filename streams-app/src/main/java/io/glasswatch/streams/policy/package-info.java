/** The detection policy: thresholds, deadlines and the severity, actions and runbook of every alert type. */
package io.glasswatch.streams.policy;
