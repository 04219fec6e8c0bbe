#!/usr/bin/env bash
# Builds dossier-postgres:15, PostgreSQL from Debian's packages on the local
# base image, for deploy/compose.postgres.yml where no image registry is
# reachable. With registry access, DOSSIER_POSTGRES_IMAGE=postgres:16 serves
# as well.
set -euo pipefail
cd "$(dirname "$0")/.."
image="${1:-dossier-postgres:15}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "postgres image $image exists"
  exit 0
fi
base="${DOSSIER_BASE_IMAGE:-dossier-base:bookworm}"
if [ "$base" = "dossier-base:bookworm" ]; then
  deploy/make-base-image.sh "$base"
fi
docker build --build-arg BASE="$base" -f deploy/postgres.Dockerfile -t "$image" .
