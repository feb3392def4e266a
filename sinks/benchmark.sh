#!/usr/bin/env bash
# Timeline sink benchmark on the local test stack: documents per second into Elasticsearch, and the
# time from an entry entering Kafka to being searchable (p50/p99). Extra arguments go to Maven, e.g.
#   sinks/benchmark.sh -Dglasswatch.benchmark.entries=200000 -Dglasswatch.test.elasticsearch.port=23200
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B ${GLASSWATCH_MVN_OPTS:-} -pl sinks -am verify -Dit.test=TimelineSinkBenchmark -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@" \
  | grep -E 'timeline sink|Tests run:|BUILD|ERROR'
