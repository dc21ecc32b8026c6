#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas up to date with Temporal's
# SQL tool and the schemas built into it (--schema-name). Idempotent: run it before the server's
# first start and again after every server upgrade; it applies only what is missing.
#
# Used by docker-compose.yml (the temporal-schema job, temporalio/admin-tools, where the tool is
# `temporal-sql-tool`) and natively by src/ops/topology.ts (TEMPORAL_SQL_TOOL=.tools/.../sql).
# Reads the same variables as deploy/temporal/server.yaml: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER,
# POSTGRES_PWD, DBNAME, VISIBILITY_DBNAME.
set -eu

tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}
SQL_PLUGIN=postgres12
SQL_HOST=${POSTGRES_SEEDS:-127.0.0.1}
SQL_PORT=${DB_PORT:-5432}
SQL_USER=${POSTGRES_USER:-temporal}
SQL_PASSWORD=${POSTGRES_PWD:?set POSTGRES_PWD}
# The tool reads these itself (so the password never shows in a process list).
export SQL_PLUGIN SQL_HOST SQL_PORT SQL_USER SQL_PASSWORD

setup() {
  "$tool" --db "$1" create-database # a no-op when it exists
  "$tool" --db "$1" setup-schema -v 0.0
  "$tool" --db "$1" update-schema --schema-name "$2"
}

setup "${DBNAME:-temporal}" postgresql/v12/temporal
setup "${VISIBILITY_DBNAME:-temporal_visibility}" postgresql/v12/visibility
echo "Temporal schemas are up to date on $SQL_HOST:$SQL_PORT"
