/** The Elasticsearch timeline: ECS documents, the strict index template, the create-only sink and read queries. */
package io.glasswatch.sinks.timeline;
