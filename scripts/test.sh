#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls it).
# Makes sure a Docker engine runs and the local base image exists, then runs every unit test (surefire) and
# every integration test (failsafe, *IT) against that real engine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-docker.sh
scripts/build-base-image.sh
exec ./mvnw -B -ntp verify "$@"
