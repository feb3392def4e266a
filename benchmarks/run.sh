#!/usr/bin/env bash
# Builds the benchmark module (and what it needs) in this working copy and runs the harness.
# Usage: benchmarks/run.sh [harness options]   (benchmarks/run.sh --help lists them)
# Environment: JAVA_HOME (default: Temurin 25 under /usr/lib/jvm), BENCH_HEAP (default 4g), GLASSWATCH_MVN_OPTS,
#              BENCH_JAVA_OPTS (extra JVM options), BENCH_SKIP_BUILD=1 (reuse the last build).
# Never installs anything into ~/.m2: the classpath points at the modules' target/ jars.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
bench_build
# The harness must run this working copy's modules: a build without -am resolves them from ~/.m2,
# where another checkout may have installed different code (bench_classpath refuses that).
BENCH_HEAP="${BENCH_HEAP:-4g}"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options
bench_exec -XX:+UseG1GC -XX:FlightRecorderOptions:stackdepth=256 ${BENCH_JAVA_OPTS:-} \
  io.glasswatch.benchmarks.TopologyBenchmark "$@"
