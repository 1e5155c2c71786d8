#!/bin/sh
# Runs the launch benchmark (benchmarks/src/main/java/dev/botbottle/benchmarks/launch/LaunchBenchmark.java): the raw
# docker script, the library embedded in a warm and a cold JVM, the CLI, the warm pool and many bottles at once, side
# by side, median of 5. Needs root, the Docker engine and the base image (scripts/ensure-docker.sh,
# scripts/build-base-image.sh). Arguments are passed on as key=value settings, e.g. runs=5 sections=raw,warm,cli.
# The report is printed and written to benchmarks/target/launch-report.txt.
set -eu
cd "$(dirname "$0")/.."
# one reactor build: the CLI the `bottle` launcher runs, and the benchmark's class path (from this checkout's modules)
# (under the machine's shared Maven lock when there is one: one build at a time across sessions)
lock=""
if command -v flock >/dev/null 2>&1; then lock="flock /tmp/bottle-maven.lock"; fi
$lock ./mvnw -B -q -ntp -pl bottle-cli,benchmarks -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile="$PWD/benchmarks/target/bench.cp" -Dmdep.includeScope=runtime
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.cp)" \
  dev.botbottle.benchmarks.launch.LaunchBenchmark "$@"
