#!/usr/bin/env bash
# graphql-http's GraphQL-over-HTTP server audit against the service as `anju serve` runs it
# (an embedded PostgreSQL in a fresh data folder): no audit may warn or fail.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/service.sh
ANJU_SEED_ON_START=false start_service
(cd .ci/.tools/node && node ../../graphql-http-audit.mjs "$service_url/graphql")
