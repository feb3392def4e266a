#!/usr/bin/env bash
# Root detection latency benchmark, live: the ingest endpoint reporting progress marks (gateway source
# ingest-http), the streams app with gatewaySources [ingest-http], the on-call dispatcher posting to a local
# webhook, the revoke executor against moto; background CloudTrail load through the endpoint. Prints root
# sign-in -> webhook, self-approval -> webhook and self-approval -> confirmed revoke (p50, p99, max) and the
# load average. Starts its own Kafka, Apicurio Registry and moto from the local stack (ports 21392, 21381,
# 21800 by default; stopped at the end unless --keep-stack).
#
#   benchmarks/root-latency.sh [--signins 200] [--rate 4] [--background 1000] [--violations 50]
#                              [--warmup 20] [--kafka-port P] [--registry-port P] [--moto-port P]
#                              [--work-dir DIR] [--keep-stack]
#
# Environment: JAVA_HOME (default: Temurin 25 under /usr/lib/jvm), BENCH_HEAP (default 1g),
#              BENCH_SKIP_BUILD=1 (reuse the last build), GLASSWATCH_MVN_OPTS (extra mvn options).
#              Never installs anything into ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q ${GLASSWATCH_MVN_OPTS:-} -pl benchmarks -am package -DskipTests
fi
jar=$(ls benchmarks/target/glasswatch-benchmarks-*.jar | head -1)
exec "$JAVA_HOME/bin/java" -Xms"${BENCH_HEAP:-1g}" -Xmx"${BENCH_HEAP:-1g}" \
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -cp "$jar:$(cat benchmarks/target/benchmark.classpath)" io.glasswatch.benchmarks.RootLatencyBenchmark "$@"
