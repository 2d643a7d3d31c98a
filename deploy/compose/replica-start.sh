#!/bin/sh
# A hot standby of db-primary: cloned on first start, then streaming.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_basebackup -h db-primary -U replicator -D "$PGDATA" -R -X stream -c fast; do
        echo "waiting for the primary"; rm -rf "${PGDATA:?}"/*; sleep 2
    done
    chmod 0700 "$PGDATA"
fi
exec postgres
