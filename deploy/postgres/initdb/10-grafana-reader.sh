#!/bin/sh
# Runs once, when the compose PostgreSQL volume is created: a read-only role for Grafana's
# PostgreSQL datasource (pg_read_all_data also covers the tables migrations create later).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v reader_password="$GRAFANA_READER_PASSWORD" <<'SQL'
CREATE ROLE grafana_reader LOGIN PASSWORD :'reader_password';
GRANT pg_read_all_data TO grafana_reader;
SQL
