/** Connection settings shared by every Glasswatch service: where Kafka, the registry, Elasticsearch and AWS are. */
package io.glasswatch.config;
