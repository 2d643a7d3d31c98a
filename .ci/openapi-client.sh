#!/usr/bin/env bash
# The REST contract as client generators read it: a valid OpenAPI document, and a Python
# client generated from it (openapi-python-client) that imports, with the operation names
# people type (HEAD operations too, as headRegion …), and runs the README's example
# against the demo service. The tools live in their own venv: their pins must not move
# the service's.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=.ci/.tools/openapi
[ -x "$tools/bin/python" ] || python3 -m venv "$tools"
"$tools/bin/pip" install -q openapi-spec-validator==0.9.0 openapi-python-client==0.29.1

"$tools/bin/openapi-spec-validator" openapi/openapi.json

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# its post-hooks format the client with ruff, which the service's dev venv has
PATH="$PWD/.venv/bin:$PATH" "$tools/bin/openapi-python-client" generate --path openapi/openapi.json \
  --output-path "$out/anju_client" --meta none --fail-on-warning
PYTHONPATH="$out" "$tools/bin/python" - <<'PY'
from anju_client.api.figures import get_figure, list_figures
from anju_client.api.regions import get_region, head_region, lookup_region
from anju_client.models import Figure, PageOutFigure, Problem

for module in (get_figure, list_figures, get_region, lookup_region, head_region):
    assert callable(module.sync_detailed), module
print("generated client imports: getFigure, listFigures, getRegion, lookupRegion, headRegion")
PY

# The README's example (the python block after its marker), on the demo documents.
. .ci/service.sh
start_service
trap 'stop_service; rm -rf "$out"' EXIT
awk '/<!-- generated-client-example -->/ { marked = 1; next }
     marked && /^```python/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' README.md |
  sed "s|http://127.0.0.1:8000|$service_url|" >"$out/example.py"
[ -s "$out/example.py" ] || { echo "no client example in README.md"; exit 1; }
PYTHONPATH="$out" "$tools/bin/python" "$out/example.py"
