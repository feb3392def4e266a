/** The JIT controller's own records (jit_audit and jit_requests items in every DynamoDB shape, webhook notifications) read into canonical gateway events (SPEC 1.4). */
package io.glasswatch.producers.normalize.jit;
