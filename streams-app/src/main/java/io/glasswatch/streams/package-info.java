/** The Glasswatch Kafka Streams application: its one topology, its settings, and the service that runs it. */
package io.glasswatch.streams;
