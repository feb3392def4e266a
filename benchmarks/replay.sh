#!/usr/bin/env bash
# Replay benchmark: `glasswatch replay` (the production topology in TopologyTestDriver, SPEC 5) over
# (1) a directory of many small gzipped CloudTrail log files and (2) one large gzipped log file.
# Prints, per input: records, seconds, events/s (records / wall-clock seconds of the whole command,
# JVM start, reading, sorting and replaying included), CPU seconds (user + system, all threads: JIT
# compilers, GC and RocksDB included) with events per CPU second (the figure that does not depend on
# what else runs on the machine), and peak RSS (/usr/bin/time, maximum resident set size), with the
# load average.
# Usage: benchmarks/replay.sh [RECORDS] [PER_FILE]   (default 1000000 records, 250 per small file)
# Environment: JAVA_HOME (default Temurin 25), REPLAY_HEAP (default 512m), BENCH_SKIP_BUILD=1,
#              BENCH_KEEP_DATA=1 (keep the generated input under .glasswatch/bench/replay).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
records="${1:-1000000}"
per_file="${2:-250}"
bench_build benchmarks,cli
bench_cp="$(ls benchmarks/target/glasswatch-benchmarks-*.jar | head -1):$(cat benchmarks/target/benchmark.classpath)"
cli_cp="cli/target/glasswatch-cli.jar:$(cat cli/target/glasswatch.classpath)"
java=("${BENCH_JAVA[@]}")
data=.glasswatch/bench/replay
mkdir -p "$data"
if [[ ! -f "$data/many-$records-$per_file.done" ]]; then
  rm -rf "$data"/many-* "$data"/one-*
  "${java[@]}" -cp "$bench_cp" io.glasswatch.benchmarks.ReplayWorkload many "$data/many-$records-$per_file" "$records" "$per_file"
  "${java[@]}" -cp "$bench_cp" io.glasswatch.benchmarks.ReplayWorkload one "$data/one-$records.json.gz" "$records"
  touch "$data/many-$records-$per_file.done"
fi
run() { # label input
  local log="$data/$1.time" start end
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$log" "${java[@]}" -Xmx"${REPLAY_HEAP:-512m}" -XX:+UseSerialGC -cp "$cli_cp" \
    io.glasswatch.cli.GlasswatchCli replay --alerts-out "$data/$1.alerts" "$2" 2> "$data/$1.err" || true
  end=$(date +%s.%N)
  local secs rss events cpu
  secs=$(echo "$end - $start" | bc)
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log")
  events=$(grep -o '^replayed [0-9]*' "$data/$1.err" | awk '{print $2}')
  printf '| %s | %s | %.1f s | %.0f events/s | %.1f s | %.0f events/CPU s | %d MiB | %s |\n' "$1" "$events" "$secs" \
    "$(echo "$events / $secs" | bc -l)" "$cpu" "$(echo "$events / $cpu" | bc -l)" $((rss / 1024)) \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  tail -1 "$data/$1.err" >&2
}
files=$(find "$data/many-$records-$per_file" -name '*.json.gz' | wc -l)
echo "| input | records | wall clock | events/s | CPU | events per CPU second | peak RSS | load average |"
echo "|---|---|---|---|---|---|---|---|"
run "dir-$files-files" "$data/many-$records-$per_file"
run "one-file" "$data/one-$records.json.gz"
[[ "${BENCH_KEEP_DATA:-0}" == 1 ]] || rm -rf "$data"
