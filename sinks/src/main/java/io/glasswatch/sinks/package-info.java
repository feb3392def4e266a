/** The timeline sink to Elasticsearch, its queries, Kibana objects and their settings (SinkSettings). */
package io.glasswatch.sinks;
