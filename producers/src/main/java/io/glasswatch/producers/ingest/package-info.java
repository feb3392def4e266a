/** Live ingest: the long-running producers (HTTP endpoint, AWS pollers, file watchers), their settings, checkpoints and metrics. */
package io.glasswatch.producers.ingest;
