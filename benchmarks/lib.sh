# Sourced by the benchmark scripts (benchmarks/*.sh) after they changed to the repository root: the
# Java and Maven set-up they share. Never installs anything into ~/.m2.
#
#   JAVA_HOME   default Temurin 25 under /usr/lib/jvm (exported)
#   MAVEN_OPTS  default --sun-misc-unsafe-memory-access=allow (exported)
#   BENCH_JAVA  array: the java command with the options every benchmark JVM gets
#   bench_build [MODULES]  mvn -B -q $GLASSWATCH_MVN_OPTS -pl MODULES -am package -DskipTests
#                          (MODULES default benchmarks); skipped with BENCH_SKIP_BUILD=1
#   bench_classpath        sets BENCH_CP to the benchmarks jar and its classpath; exits 2 when that
#                          classpath takes Glasswatch modules from a Maven repository instead of this
#                          working copy (a build without -am, another checkout's code)
#   bench_exec CLASS [ARGS...]  replaces the shell with CLASS on BENCH_CP, heap BENCH_HEAP (default 1g)
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
BENCH_JAVA=("$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)

bench_build() {
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    # shellcheck disable=SC2086 # GLASSWATCH_MVN_OPTS holds several options
    mvn -B -q ${GLASSWATCH_MVN_OPTS:-} -pl "${1:-benchmarks}" -am package -DskipTests
  fi
}

bench_classpath() {
  local jar
  jar=$(ls benchmarks/target/glasswatch-benchmarks-*.jar | head -1)
  if tr ':' '\n' < benchmarks/target/benchmark.classpath | grep -q '/io/glasswatch/'; then
    echo "benchmarks/target/benchmark.classpath takes Glasswatch modules from a Maven repository, not this working copy;" >&2
    echo "rebuild with: mvn -B -q -pl benchmarks -am package -DskipTests (or run without BENCH_SKIP_BUILD)" >&2
    exit 2
  fi
  BENCH_CP="$jar:$(cat benchmarks/target/benchmark.classpath)"
}

bench_exec() {
  bench_classpath
  exec "${BENCH_JAVA[@]}" -Xms"${BENCH_HEAP:-1g}" -Xmx"${BENCH_HEAP:-1g}" -cp "$BENCH_CP" "$@"
}
