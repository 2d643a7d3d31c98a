#!/bin/sh
# Runs once, when the primary's data folder is created (docker-entrypoint-initdb.d).
# Roles: the tables' owner (migrations), the service's login (owns nothing; a member of
# anju_app, so row-level security applies), and the replica's replication login.
set -eu
psql -v ON_ERROR_STOP=1 -U postgres -d anju \
    -v owner_pw="$ANJU_OWNER_PASSWORD" -v service_pw="$ANJU_SERVICE_PASSWORD" \
    -v repl_pw="$REPLICATION_PASSWORD" <<'SQL'
create role anju_owner login password :'owner_pw';
alter database anju owner to anju_owner;
alter schema public owner to anju_owner;
-- created here so the service's login can join it; the migration grants its rights
create role anju_app nologin;
create role anju_service login password :'service_pw' in role anju_app;
create role replicator login replication password :'repl_pw';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
