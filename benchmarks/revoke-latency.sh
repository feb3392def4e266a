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
source benchmarks/lib.sh
bench_build
bench_exec io.glasswatch.benchmarks.RevokeLatencyBenchmark "$@"
