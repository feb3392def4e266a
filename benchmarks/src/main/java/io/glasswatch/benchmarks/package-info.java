/** Benchmark harness of the whole topology: workload generator, TopologyTestDriver and broker runs, state size, JFR summaries. */
package io.glasswatch.benchmarks;
