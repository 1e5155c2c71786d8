#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls it).
# Makes sure a Docker engine runs and the local base image exists, then runs every unit test (surefire) and
# every integration test (failsafe, *IT) against that real engine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-docker.sh
scripts/build-base-image.sh
./mvnw -B -ntp verify "$@"
# everything was just built from these sources: scripts/demo.sh need not build again
touch bottle-cli/target/.built-from-sources
