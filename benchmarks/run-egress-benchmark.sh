#!/bin/sh
# Runs the egress benchmark (gateway vs no proxy vs mitmproxy vs squid ssl_bump) on loopback.
# Needs mitmproxy and squid-openssl from Debian (apt-get install -y mitmproxy squid-openssl); skips them if absent.
# Arguments are passed on as key=value settings, e.g. seconds=10 clients=32 latency=2000 mib=512 external=true.
set -eu
cd "$(dirname "$0")/.."
./mvnw -B -q -pl bottle-egress,benchmarks -am install -DskipTests
./mvnw -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/benchmarks/target/bench.cp"
exec java -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.cp)" dev.botbottle.benchmarks.EgressBenchmark "$@"
