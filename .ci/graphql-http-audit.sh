#!/usr/bin/env bash
# graphql-http's GraphQL-over-HTTP server audit against the service as `anju serve` runs it
# (an embedded PostgreSQL in a fresh data folder): no audit may warn or fail.
set -euo pipefail
cd "$(dirname "$0")/.."

data=$(mktemp -d)
chmod 755 "$data"  # the embedded server runs as its own user when CI is root
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ANJU_DATA_DIR="$data" ANJU_SEED_ON_START=false .venv/bin/anju serve --workers 1 --port "$port" \
  >"$data/serve.log" 2>&1 &
server=$!
stop() {
  kill -TERM "$server" 2>/dev/null && wait "$server" || true  # stops its PostgreSQL too
  rm -rf "$data"
}
trap stop EXIT
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$data/serve.log"; exit 1; }
  sleep 1
done
(cd .ci/.tools/node && node ../../graphql-http-audit.mjs "http://127.0.0.1:$port/graphql")
