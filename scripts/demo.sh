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
# The launcher runs bottle-cli/target (the jar and target/lib): rebuild it when it is missing or older than any
# source, pom or resource, so a stale build never runs the demo.
stamp=bottle-cli/target/.built-from-sources
if [ ! -f "$stamp" ] || [ ! -d bottle-cli/target/lib ] || [ -n "$(find . -name target -prune -o -name .git -prune -o \
    \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -type f -newer "$stamp" -print -quit)" ]; then
  echo "== building the CLI (the build is missing or older than the sources)" >&2
  ./mvnw -q -B -ntp -DskipTests -pl bottle-cli -am package
  touch "$stamp"
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
  'echo "I am $(id -un) in bottle $(hostname), prompt: $(cat ~/PROMPT.md)"
   echo "git user: $(git config --get user.name) <$(git config --get user.email)>"
   echo "workspace: $(cd ~/workspace && find . -type f | head -n 3 | tr "\n" " ")"
   echo "allowed:  registry.npmjs.org -> HTTP $(curl -s -o /dev/null -w "%{http_code}" https://registry.npmjs.org/is-number)"
   echo "denied:   example.com -> $(curl -sS https://example.com/ 2>&1 | head -n 2 | tail -n 1)"
   echo "DNS:      $(getent hosts example.com || echo "example.com does not resolve in the bottle")"'
echo "== bottle ps (nothing left)" >&2
./bottle ps
