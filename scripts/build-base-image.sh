#!/usr/bin/env bash
# Builds the local Debian base image that bottles and agent images start from, because this
# machine (and many CI machines) cannot pull from a registry. debootstrap (minbase, bookworm)
# into a temp dir, then `docker import`. Cached by tag: does nothing when the tag exists.
#
#   scripts/build-base-image.sh [TAG]        default TAG: bot-bottle/base:bookworm
#
# Environment: BOT_BOTTLE_DEBIAN_MIRROR (default http://deb.debian.org/debian).
# The image has a non-root user `agent` (uid 1000, home /home/agent), bash, git, curl,
# ca-certificates and procps.
set -euo pipefail

tag=${1:-bot-bottle/base:bookworm}
mirror=${BOT_BOTTLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Bump when the contents below change, so cached images are rebuilt.
recipe_version=1

if docker image inspect "$tag" --format '{{index .Config.Labels "dev.botbottle.base-recipe"}}' 2>/dev/null \
    | grep -qx "$recipe_version"; then
  echo "build-base-image: $tag is cached" >&2
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "build-base-image: installing debootstrap..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

root=$(mktemp -d /tmp/bot-bottle-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "build-base-image: debootstrap bookworm into $root (takes a few minutes)..." >&2
debootstrap --variant=minbase \
  --include=ca-certificates,curl,git,procps,openssh-client,less,passwd \
  bookworm "$root" "$mirror" >/tmp/bot-bottle-debootstrap.log 2>&1 || {
    echo "build-base-image: debootstrap failed; last lines of /tmp/bot-bottle-debootstrap.log:" >&2
    tail -n 20 /tmp/bot-bottle-debootstrap.log >&2
    exit 1
  }

chroot "$root" /bin/sh -c 'useradd --create-home --uid 1000 --shell /bin/bash agent && apt-get clean && rm -rf /var/lib/apt/lists/*'

echo "build-base-image: importing as $tag..." >&2
tar -C "$root" -c . | docker import \
  --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  --change "LABEL dev.botbottle.base-recipe=$recipe_version" \
  - "$tag" >/dev/null
echo "build-base-image: built $tag" >&2
