#!/usr/bin/env bash
# The main job on the bundled example manifests: launch the example `demo` agent's bottle on Docker, run a
# command in it, and remove it. Installs and starts a Docker engine first when none answers (as .ci/run does),
# and builds the local base image and the CLI when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== making sure a Docker engine runs (installs docker.io and starts dockerd if needed)" >&2
scripts/ensure-docker.sh
echo "== making sure the local base image exists (debootstrap, first time only)" >&2
scripts/build-base-image.sh
if ! ls bottle-cli/target/lib >/dev/null 2>&1; then
  echo "== building the CLI" >&2
  ./mvnw -q -B -ntp -DskipTests install
fi

home=$(mktemp -d /tmp/bot-bottle-demo.XXXXXX)
trap 'rm -rf "$home"' EXIT
cp -r examples/manifests/home/. "$home/"
export BOT_BOTTLE_HOME="$home"

echo "== bottle validate" >&2
./bottle validate
echo "== bottle plan demo" >&2
./bottle plan demo
echo "== bottle launch demo --headless (runs one command in the bottle, then removes it)" >&2
./bottle launch demo --cwd examples/manifests/repo --headless --prompt \
  'echo "I am $(id -un) in $(hostname)"; git config --get user.name; ls ~/workspace; curl -sS -o /dev/null -w "example.com -> HTTP %{http_code}\n" https://example.com/ || true'
echo "== bottle ps (nothing left)" >&2
./bottle ps
