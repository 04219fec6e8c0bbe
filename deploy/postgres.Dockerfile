# PostgreSQL from Debian's packages on the local debootstrap base, for the
# compose variant with storage on PostgreSQL (deploy/compose.postgres.yml) on
# machines whose Docker cannot pull an image. It honours the official image's
# POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, so either image serves.
#
#   deploy/make-postgres-image.sh          # builds dossier-postgres:15
ARG BASE=dossier-base:bookworm
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null \
 && pg_dropcluster --stop "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
 && install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
COPY deploy/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
