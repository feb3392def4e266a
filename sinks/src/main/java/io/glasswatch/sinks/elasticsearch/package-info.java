/** Connections to Elasticsearch as one named user, and the classification of its bulk item failures. */
package io.glasswatch.sinks.elasticsearch;
