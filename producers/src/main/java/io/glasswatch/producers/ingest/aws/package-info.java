/** Pollers of the AWS APIs (CloudTrail LookupEvents, GuardDuty findings) with client-side rate limits and Kafka checkpoints. */
package io.glasswatch.producers.ingest.aws;
