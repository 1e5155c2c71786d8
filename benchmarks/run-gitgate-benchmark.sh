#!/bin/sh
# Runs the git gate benchmark (the gate vs git straight to the same OpenSSH server, on loopback).
# Needs root and openssh-server (the fixture installs it with apt when missing).
# Arguments are passed on as key=value settings, e.g. runs=5 commits=1000 mib=50.
# Builds through the reactor (nothing is installed into ~/.m2).
set -eu
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp -pl benchmarks -am package -DskipTests -Dmaven.test.skip.exec=true dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=runtime
exec java -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.cp)" dev.botbottle.benchmarks.GitGateBenchmark "$@"
