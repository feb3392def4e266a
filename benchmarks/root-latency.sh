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
source benchmarks/lib.sh
bench_build
bench_exec io.glasswatch.benchmarks.RootLatencyBenchmark "$@"
