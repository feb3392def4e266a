/** What every live ingest component shares: its settings, checkpoints in Kafka, metrics and readiness. */
package io.glasswatch.producers.ingest.common;
