#!/bin/sh
# Starts PostgreSQL in the dossier-postgres image, creating the cluster on
# first start from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB (as the
# official image does). Clients on the network log in with the password.
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "POSTGRES_PASSWORD is empty: set it (the database is reached over the network)" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # Single-user mode runs as the bootstrap superuser ($user), who owns it.
    echo "CREATE DATABASE \"$db\";" | "$bin/postgres" --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "created the database cluster with database $db owned by $user"
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*'
