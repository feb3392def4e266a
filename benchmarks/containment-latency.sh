#!/usr/bin/env bash
# Containment latency benchmark: violation detected -> sessions contained. The real revoke executor and
# containment service run against moto: each revoke command deletes an assignment, the containment
# service merges a deny statement into the permission set's inline policy, provisions it and reads it
# back; prints detection -> contained latency (p50, p99, max, count; target p99 < 5 s).
# Starts its own Kafka, Apicurio Registry and moto from the local stack (ports 21392, 21381, 21800 by
# default; stopped at the end unless --keep-stack).
#
#   benchmarks/containment-latency.sh [--commands 100] [--permission-sets 10] [--rate 10] [--kafka-port P]
#                                     [--registry-port P] [--moto-port P] [--work-dir DIR] [--keep-stack]
#
# Environment: JAVA_HOME (default: Temurin 25 under /usr/lib/jvm), BENCH_HEAP (default 1g),
#              BENCH_SKIP_BUILD=1 (reuse the last build), GLASSWATCH_MVN_OPTS (extra mvn options).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
bench_build
bench_exec io.glasswatch.benchmarks.ContainmentLatencyBenchmark "$@"
