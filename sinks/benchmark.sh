#!/usr/bin/env bash
# Timeline sink benchmark on the local test stack: documents per second into Elasticsearch, and the
# time from an entry entering Kafka to being searchable (p50/p99). Extra arguments go to Maven, e.g.
#   sinks/benchmark.sh -Dglasswatch.benchmark.entries=200000 -Dglasswatch.test.elasticsearch.port=23200
# Tuning to compare against the production defaults: -Dglasswatch.benchmark.bulk-operations=N,
# -Dglasswatch.benchmark.flush-ms=N, -Dglasswatch.benchmark.concurrency=N.
set -euo pipefail
cd "$(dirname "$0")/.."
report=sinks/target/failsafe-reports/io.glasswatch.sinks.timeline.TimelineSinkBenchmark-output.txt
rm -f "$report"
status=0
mvn -B ${GLASSWATCH_MVN_OPTS:-} -pl sinks -am verify -Dit.test=TimelineSinkBenchmark -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@" \
  | grep -E 'Tests run:|BUILD|ERROR' || status=$?
# test output is redirected to files: the figures are in the benchmark's output file
if [[ -f "$report" ]]; then
  grep -hE '^timeline sink (options|benchmark|latency)' "$report"
fi
exit "$status"
