#!/usr/bin/env bash
# The compose deployment end to end, as an operator runs it: build the image
# locally, start the three containers, wait until healthy, ingest the sample
# articles with the CLI and find them; stop extraction, ingest more, start it
# again and see search catch up; restart storage and lose nothing; down -v.
# With DOSSIER_COMPOSE_POSTGRES=1 storage runs on PostgreSQL
# (deploy/compose.postgres.yml) and the documents are counted in the database.
# With DOSSIER_COMPOSE_REPLICAS=1 (which implies PostgreSQL) two extraction
# replicas share the entity registry in PostgreSQL (deploy/compose.replicas.yml)
# and search sends its batches to both: the two must answer the same
# registry, with one id per entity.
#
#   tests/compose/e2e.sh        (needs Docker and docker-compose)
set -euo pipefail
cd "$(dirname "$0")/../.."

project="dossier-e2e-$$"
export DOSSIER_PROFILE="${DOSSIER_PROFILE:-debug}"
export DOSSIER_IMAGE="dossier:e2e"
# Ports away from the standard ones, so a developer's own server is untouched,
# and below 32768, where the kernel picks the ports of other tests' listeners
# and connections (one of those once took the extraction port first).
export DOSSIER_STORAGE_PORT=$((20000 + $$ % 4000 * 3))
export DOSSIER_EXTRACTION_PORT=$((DOSSIER_STORAGE_PORT + 1))
export DOSSIER_SEARCH_PORT=$((DOSSIER_STORAGE_PORT + 2))
export DOSSIER_WEB_PORT=$((10000 + $$ % 9000))
export DOSSIER_STORAGE="http://127.0.0.1:$DOSSIER_STORAGE_PORT"
export DOSSIER_EXTRACTION="http://127.0.0.1:$DOSSIER_EXTRACTION_PORT"
export DOSSIER_SEARCH="http://127.0.0.1:$DOSSIER_SEARCH_PORT"

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
files=(-f docker-compose.yml)
# storage, extraction, search and the web console (and postgres).
services=4
postgres=0
replicas=0
if [ "${DOSSIER_COMPOSE_REPLICAS:-0}" = 1 ]; then
  replicas=1
  DOSSIER_COMPOSE_POSTGRES=1
  export DOSSIER_EXTRACTION_2_PORT=$((DOSSIER_WEB_PORT + 1))
fi
if [ "${DOSSIER_COMPOSE_POSTGRES:-0}" = 1 ]; then
  postgres=1
  project="$project-pg"
  files+=(-f deploy/compose.postgres.yml)
  services=5
fi
if [ "$replicas" = 1 ]; then
  project="$project-replicas"
  files+=(-f deploy/compose.replicas.yml)
  services=6
fi
dc() { "${compose[@]}" -p "$project" "${files[@]}" "$@"; }
cleanup() { dc down -v --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT

step() { echo "== $*"; }
dossier() { "target/$DOSSIER_PROFILE/dossier" "$@"; }

# Polls `$@` until it succeeds, for at most $timeout seconds.
until_ok() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out after ${timeout}s: $what" >&2; dc ps >&2; dc logs --tail 40 >&2; exit 1; fi
    sleep 1
  done
}
all_healthy() {
  local ids; ids=$(dc ps -q)
  [ "$(echo "$ids" | wc -w)" -eq "$services" ] || return 1
  for id in $ids; do
    [ "$(docker inspect --format '{{.State.Health.Status}}' "$id")" = healthy ] || return 1
  done
}
hits() { dossier search "$1" --json | python3 -c 'import json,sys; print(int(json.load(sys.stdin).get("total_hits", 0)))'; }
has_hits() { [ "$(hits "$1")" -ge "$2" ]; }
stored() { dossier ls --all --jsonl | wc -l; }

step "build the image ($DOSSIER_PROFILE binaries, local base image)"
deploy/build-images.sh
if [ "$postgres" = 1 ]; then
  step "build the PostgreSQL image"
  deploy/make-postgres-image.sh "${DOSSIER_POSTGRES_IMAGE:-dossier-postgres:15}"
fi

step "compose up"
dc up -d
until_ok 180 "all $services services healthy" all_healthy

step "ingest the sample articles"
dossier ingest fixtures/articles --source quayside-herald --no-progress
until_ok 60 "search finds Gdynia" has_hits Gdynia 3
step "the web console shows them"
python3 - "http://127.0.0.1:$DOSSIER_WEB_PORT/search?q=Gdynia" <<'PY'
import sys, urllib.request
page = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()
assert "Gdynia" in page and "/documents/" in page, page[:500]
PY
before=$(stored)

step "stop extraction, ingest more, start it again"
dc stop extraction
tmp=$(mktemp --suffix=.jsonl)
for i in $(seq 1 12); do
  printf '{"title":"Ferry notice %d","body":"The winter ferry schedule for the lagoon crossing changes on Monday, notice %d.","source":"compose-test"}\n' "$i" "$i"
done > "$tmp"
dossier ingest "$tmp" --no-progress
rm -f "$tmp"
dc start extraction
until_ok 120 "search catches up after extraction returns" has_hits lagoon 12

step "restart storage: nothing lost"
dc restart storage
until_ok 120 "storage healthy again" all_healthy
[ "$(stored)" -eq $((before + 12)) ] || { echo "storage lost documents: $(stored) != $((before + 12))" >&2; exit 1; }
if [ "$postgres" = 1 ]; then
  step "the documents are in PostgreSQL"
  in_db=$(dc exec -T postgres psql -U dossier -d dossier -tAc "SELECT document_count FROM dossier_head")
  [ "$(echo "$in_db" | tr -d '[:space:]')" -eq $((before + 12)) ] || { echo "PostgreSQL holds $in_db documents, not $((before + 12))" >&2; exit 1; }
fi

if [ "$replicas" = 1 ]; then
  step "two extraction replicas, one registry: the same entities, one id each"
  dossier --extraction "http://127.0.0.1:$DOSSIER_EXTRACTION_PORT" entities list --page-size 1000 --jsonl > "$tmp.a"
  dossier --extraction "http://127.0.0.1:$DOSSIER_EXTRACTION_2_PORT" entities list --page-size 1000 --jsonl > "$tmp.b"
  python3 - "$tmp.a" "$tmp.b" <<'PY'
import collections, json, sys
a, b = ([json.loads(line) for line in open(path)] for path in sys.argv[1:3])
assert len(a) > 10, f"only {len(a)} entities"
name = lambda e: e.get("canonical_name", e.get("canonicalName"))
assert all(name(e) for e in a), f"entities without a name: {a[:2]}"
key = lambda e: (e.get("id"), name(e), e.get("type"))
assert sorted(map(key, a)) == sorted(map(key, b)), "the replicas answer different registries"
names = collections.Counter((name(e), e.get("type")) for e in a)
twice = [n for n, c in names.items() if c > 1]
assert not twice, f"one entity under two ids: {twice}"
print(f"{len(a)} entities, the same through both replicas, one id each")
PY
  rm -f "$tmp.a" "$tmp.b"
fi

step "down -v"
dc down -v
trap - EXIT
echo "compose e2e passed"
