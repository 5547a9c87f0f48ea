#!/usr/bin/env bash
# Builds the benchmarks module and runs JMH. Arguments go to JMH, e.g.
#   benchmarks/run-jmh.sh GimeAssignBenchmark -p d=100 -p k=10 -prof gc
#   benchmarks/run-jmh.sh -rf json -rff target/jmh.json
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests -pl benchmarks -am install >&2
exec java -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.openjdk.jmh.Main "$@"
