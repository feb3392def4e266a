package io.glasswatch.producers.ingest.aws;

import java.time.Instant;

/**
 * What one poll did.
 *
 * @param requests API requests answered (retries of throttled requests included)
 * @param fetched events or findings the API returned
 * @param duplicates of those, already produced by an earlier poll (overlap window, or several filters)
 * @param produced events acknowledged by Kafka on the input topics
 * @param rejected events sent to the dead-letter topic
 * @param checkpoint the new checkpoint (end of the poll window)
 */
public record PollResult(int requests, int fetched, int duplicates, long produced, long rejected, Instant checkpoint) {}
