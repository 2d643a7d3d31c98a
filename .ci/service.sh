# Sourced by the CI scripts that need a running service: `start_service` runs it as
# `anju serve` runs it (an embedded PostgreSQL in a fresh data folder), waits for
# /healthz, sets $service_url, and stops it (and its PostgreSQL) when the script exits.
# ANJU_SEED_ON_START=false before it: no demo documents.
start_service() {
  service_data=$(mktemp -d)
  chmod 755 "$service_data"  # the embedded server runs as its own user when CI is root
  local port
  port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ANJU_DATA_DIR="$service_data" .venv/bin/anju serve --workers 1 --port "$port" \
    >"$service_data/serve.log" 2>&1 &
  service_pid=$!
  trap stop_service EXIT
  service_url="http://127.0.0.1:$port"
  for _ in $(seq 120); do
    curl -sf "$service_url/healthz" >/dev/null && return 0
    kill -0 "$service_pid" 2>/dev/null || { cat "$service_data/serve.log"; exit 1; }
    sleep 1
  done
  cat "$service_data/serve.log"
  exit 1
}

stop_service() {
  kill -TERM "$service_pid" 2>/dev/null && wait "$service_pid" || true  # stops its PostgreSQL too
  rm -rf "$service_data"
}
