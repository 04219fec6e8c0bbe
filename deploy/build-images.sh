#!/usr/bin/env bash
# Builds the binaries and the dossier image, with no image registry needed.
#
#   deploy/build-images.sh                 # release binaries, local debootstrap base
#   DOSSIER_PROFILE=debug deploy/...       # faster build (the compose test uses it)
#   DOSSIER_BASE_IMAGE=debian:bookworm-slim deploy/build-images.sh   # with registry access
#   DOSSIER_SKIP_BUILD=1 ...              # use the binaries already in target/<profile>
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${DOSSIER_PROFILE:-release}"
if [ "${DOSSIER_SKIP_BUILD:-0}" != 1 ]; then
  flags=(--locked -p dossier-storage -p dossier-extraction -p dossier-search -p dossier-web -p dossier-cli --bins)
  if [ "$profile" = release ]; then flags+=(--release); fi
  cargo build "${flags[@]}"
fi
for bin in dossier-storage dossier-extraction dossier-search dossier-web dossier; do
  [ -x "target/$profile/$bin" ] || { echo "target/$profile/$bin is missing: build it first" >&2; exit 1; }
done
base="${DOSSIER_BASE_IMAGE:-dossier-base:bookworm}"
if [ "$base" = "dossier-base:bookworm" ]; then
  deploy/make-base-image.sh "$base"
fi
docker build --build-arg BASE="$base" --build-arg PROFILE="$profile" \
  -f deploy/Dockerfile -t "${DOSSIER_IMAGE:-dossier:local}" .
