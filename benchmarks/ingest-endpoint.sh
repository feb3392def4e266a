#!/usr/bin/env bash
# Benchmark of the HTTP ingest endpoint on loopback: the endpoint (`glasswatch ingest`, acks=all) in one
# process, the load generator (io.glasswatch.producers.ingest.http.IngestLoadGenerator) in another.
# Starts the local stack's Kafka and registry when they are not running, stops the endpoint at the end.
#
#   benchmarks/ingest-endpoint.sh [threads=8] [batch=100] [duration=30] [warmup=5]
#
# Environment: GLASSWATCH_CONFIG (a properties file for the stack's ports and directory; default none),
# INGEST_PORT (default 18088).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${INGEST_PORT:-18088}"
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$SECRET" > "$WORK/secret"
chmod 600 "$WORK/secret"
CONF=()
[[ -n "${GLASSWATCH_CONFIG:-}" ]] && CONF=(--config "$GLASSWATCH_CONFIG")
./glasswatch stack up "${CONF[@]}" --components KAFKA,REGISTRY >/dev/null
export GLASSWATCH_INGEST_HTTP_HMAC_SECRET="bench:$SECRET"
./glasswatch ingest "${CONF[@]}" --set "ingest.http.listen=127.0.0.1:$PORT" \
  --set ingest.http.max-body-bytes=4194304 > "$WORK/server.log" 2>&1 &
SERVER=$!
unset GLASSWATCH_INGEST_HTTP_HMAC_SECRET
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CP="$(cat cli/target/glasswatch.classpath):cli/target/glasswatch-cli.jar"
"$JAVA" -Xmx256m -cp "$CP" io.glasswatch.producers.ingest.http.IngestLoadGenerator \
  "http://127.0.0.1:$PORT/v1/events" bench "$WORK/secret" "${1:-8}" "${2:-100}" "${3:-30}" "${4:-5}"
