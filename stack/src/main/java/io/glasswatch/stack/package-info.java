/** Starts, inspects and stops Glasswatch's local servers (Kafka, Apicurio Registry, Elasticsearch, moto) as OS processes on 127.0.0.1. */
package io.glasswatch.stack;
