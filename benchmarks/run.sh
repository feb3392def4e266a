#!/usr/bin/env bash
# Builds the benchmark module (and what it needs) in this working copy and runs the harness.
# Usage: benchmarks/run.sh [harness options]   (benchmarks/run.sh --help lists them)
# Environment: JAVA_HOME (default: Temurin 25 under /usr/lib/jvm), BENCH_HEAP (default 4g),
#              BENCH_JAVA_OPTS (extra JVM options), BENCH_SKIP_BUILD=1 (reuse the last build).
# Never installs anything into ~/.m2: the classpath points at the modules' target/ jars.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -pl benchmarks -am package -DskipTests
fi
jar=$(ls benchmarks/target/glasswatch-benchmarks-*.jar | head -1)
# The harness must run this working copy's modules: a build without -am resolves them from ~/.m2,
# where another checkout may have installed different code.
if tr ':' '\n' < benchmarks/target/benchmark.classpath | grep -q '/io/glasswatch/'; then
  echo "benchmarks/target/benchmark.classpath takes Glasswatch modules from a Maven repository, not this working copy;" >&2
  echo "rebuild with: mvn -B -q -pl benchmarks -am package -DskipTests (or run without BENCH_SKIP_BUILD)" >&2
  exit 2
fi
exec "$JAVA_HOME/bin/java" -Xms"${BENCH_HEAP:-4g}" -Xmx"${BENCH_HEAP:-4g}" -XX:+UseG1GC \
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -XX:FlightRecorderOptions:stackdepth=256 \
  ${BENCH_JAVA_OPTS:-} \
  -cp "$jar:$(cat benchmarks/target/benchmark.classpath)" io.glasswatch.benchmarks.TopologyBenchmark "$@"
