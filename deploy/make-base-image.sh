#!/usr/bin/env bash
# Makes the minimal Debian base image the Dossier images build on, for a
# machine whose Docker cannot pull from an image registry: debootstrap fetches
# Debian packages from the mirror this machine's apt is already configured
# with, and `docker import` turns the tree into an image.
#
# With registry access, skip this and build with --build-arg BASE=debian:bookworm-slim.
set -euo pipefail

image="${1:-dossier-base:bookworm}"
suite="${DOSSIER_BASE_SUITE:-bookworm}"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base image $image exists"
  exit 0
fi

# The Debian mirror this machine already uses (deb822 or one-line format).
mirror=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
fi
if [ -z "$mirror" ]; then
  echo "cannot find a Debian mirror in this machine's apt configuration" >&2
  exit 1
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get install -y -qq debootstrap >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq debootstrap; }
fi

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "debootstrap $suite into $rootfs"
debootstrap --variant=minbase --include=ca-certificates "$suite" "$rootfs" "$mirror" >/dev/null
# Keep the image small: no apt lists, docs or caches.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
echo "made base image $image"
