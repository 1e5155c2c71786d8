#!/bin/sh
# Runs the egress benchmark on loopback, as a user meets the gateway: the gateway alone in its own JVM (the bottle's
# real gateway program, bottle-gateway's GatewayMain started as docker.gateway=process starts it, and the stand-in
# benchmarks GatewayMain), squid ssl_bump/splice and no proxy, side by side against one nginx HTTPS upstream, in one run;
# cold (a new gateway's first request and first seconds) and warm; printed as ratios against the issue's goals.
# Needs nginx, openssl and squid-openssl from Debian (apt-get install -y nginx-light squid-openssl); squid is
# skipped with a note if absent. Arguments are key=value settings (see EgressBenchmark), e.g.
#   benchmarks/run-egress-benchmark.sh seconds=10 cold=10 clients=32 mib=512 upload=256 engines=native
# A short run (about 3 minutes): seconds=5 warmup=2 latency=1000 mib=256 upload=128
# Builds with the reactor (never `install`) under the shared Maven lock.
set -eu
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install -y nginx-light" >&2; exit 1; }
flock /tmp/bottle-maven.lock ./mvnw -B -q -ntp -pl benchmarks -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=runtime
exec java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.cp)" \
    dev.botbottle.benchmarks.EgressBenchmark "$@"
