/** The live reader of the JIT controller's jit_audit DynamoDB stream: shards, iterators, checkpoints and jit_requests enrichment. */
package io.glasswatch.producers.ingest.jit;
