#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`. Does nothing when one already does.
# Otherwise (as root, on Debian): installs docker.io (and iptables), starts dockerd in the
# background and waits for it. Used by .ci/run and the README's main command.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "ensure-docker: no Docker engine answers and this is not root; start one yourself" >&2
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-docker: installing docker.io from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io iptables debootstrap >/dev/null
fi

log=/var/log/dockerd-botbottle.log
echo "ensure-docker: starting dockerd (log: $log)..." >&2
nohup dockerd >"$log" 2>&1 &

for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    echo "ensure-docker: engine is up" >&2
    exit 0
  fi
  sleep 1
done
echo "ensure-docker: dockerd did not answer within 120 s; last log lines:" >&2
tail -n 30 "$log" >&2 || true
exit 1
