#!/bin/sh
# The raw docker commands a bottle needs, as a shell script would run them: an internal network, a container with
# every capability dropped but the five root provisioning needs, no-new-privileges and an init, one exec, removal.
# Prints the milliseconds of each phase: "launch=<network + run> exec=<one exec> teardown=<rm + network rm>".
# Usage: raw-docker.sh IMAGE NAME
set -eu
image=$1
name=$2
now() { date +%s%N; }
t0=$(now)
docker network create --internal --driver bridge --label dev.botbottle.bench=raw "$name" >/dev/null
docker run -d --name "$name" --network "$name" --init --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE \
  --cap-add FOWNER --cap-add SETUID --cap-add SETGID --security-opt no-new-privileges \
  --label dev.botbottle.bench=raw --entrypoint sleep "$image" infinity >/dev/null
t1=$(now)
docker exec -u 1000 "$name" true
t2=$(now)
docker rm -f "$name" >/dev/null
docker network rm "$name" >/dev/null
t3=$(now)
echo "launch=$(( (t1 - t0) / 1000000 )) exec=$(( (t2 - t1) / 1000000 )) teardown=$(( (t3 - t2) / 1000000 ))"
