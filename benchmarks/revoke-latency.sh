#!/usr/bin/env bash
# Revoke latency benchmark: the real revoke executor (RevokeService + SsoAdminRevoker) deletes account
# assignments created in moto, commands read from revoke-commands, results from revoke-results; prints
# detection -> DeleteAccountAssignment and detection -> confirmed latency (p50, p99, max, count).
# Starts its own Kafka, Apicurio Registry and moto from the local stack (ports 21292, 21281, 21700 by
# default; stopped at the end unless --keep-stack).
#
#   benchmarks/revoke-latency.sh [--commands 200] [--accounts 50] [--rate 20] [--kafka-port P]
#                                [--registry-port P] [--moto-port P] [--work-dir DIR] [--keep-stack]
#                                [--pipeline [--commit-interval MS]]
#
# --pipeline: the streams app detects the violations (one SELF_APPROVAL per assignment) and issues the
# commands, so detection is the wall-clock time it stamped on each command; also prints the time from
# the violating gateway event's production.
#
# Environment: JAVA_HOME (default: Temurin 25 under /usr/lib/jvm), BENCH_HEAP (default 1g),
#              BENCH_SKIP_BUILD=1 (reuse the last build), GLASSWATCH_MVN_OPTS (extra mvn options, e.g. a
#              -Dmaven.repo.local). Never installs anything into ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q ${GLASSWATCH_MVN_OPTS:-} -pl benchmarks -am package -DskipTests
fi
jar=$(ls benchmarks/target/glasswatch-benchmarks-*.jar | head -1)
if tr ':' '\n' < benchmarks/target/benchmark.classpath | grep -q '/io/glasswatch/'; then
  echo "benchmarks/target/benchmark.classpath takes Glasswatch modules from a Maven repository, not this working copy;" >&2
  echo "rebuild with: mvn -B -q -pl benchmarks -am package -DskipTests (or run without BENCH_SKIP_BUILD)" >&2
  exit 2
fi
exec "$JAVA_HOME/bin/java" -Xms"${BENCH_HEAP:-1g}" -Xmx"${BENCH_HEAP:-1g}" \
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -cp "$jar:$(cat benchmarks/target/benchmark.classpath)" io.glasswatch.benchmarks.RevokeLatencyBenchmark "$@"
