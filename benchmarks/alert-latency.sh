#!/usr/bin/env bash
# Alert latency on loopback: alert produced to the alerts topic -> webhook received by a local PagerDuty
# Events API v2 receiver, with the streams app (exactly-once, filing every delivery event into the
# timeline) and the on-call dispatcher (PagerDuty + Slack channels) running. Prints p50/p90/p99/max.
# Starts the local stack's Kafka and registry when they are not running (it leaves them running).
#
#   benchmarks/alert-latency.sh [alerts=1000] [rate=20 per s] [warmup=100]
#
# Environment: BENCH_KAFKA_PORT (default 19092), BENCH_REGISTRY_PORT (default 18081), BENCH_STACK_DIR
# (default .glasswatch/stack), BENCH_SKIP_BUILD=1 (reuse the last build), GLASSWATCH_MVN_OPTS (extra
# Maven flags, e.g. -Dmaven.repo.local=DIR), JAVA_HOME (default Temurin 25 under /usr/lib/jvm).
# Exit status 0 when every alert arrived and p99 < 300 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
KAFKA_PORT="${BENCH_KAFKA_PORT:-19092}"
REGISTRY_PORT="${BENCH_REGISTRY_PORT:-18081}"
STACK_DIR="${BENCH_STACK_DIR:-.glasswatch/stack}"
bench_build
./glasswatch stack up --components KAFKA,REGISTRY --set "stack.dir=$STACK_DIR" \
  --set "stack.kafka.port=$KAFKA_PORT" --set "stack.registry.port=$REGISTRY_PORT" \
  --set "kafka.bootstrap.servers=127.0.0.1:$KAFKA_PORT" \
  --set "registry.url=http://127.0.0.1:$REGISTRY_PORT/apis/registry/v3" >/dev/null
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
exec_status=0
bench_classpath
"${BENCH_JAVA[@]}" -Xmx512m -cp "$BENCH_CP" io.glasswatch.benchmarks.AlertLatencyBenchmark \
  --kafka "127.0.0.1:$KAFKA_PORT" --registry "http://127.0.0.1:$REGISTRY_PORT/apis/registry/v3" \
  --alerts "${1:-1000}" --rate "${2:-20}" --warmup "${3:-100}" --work "$WORK" || exec_status=$?
exit "$exec_status"
