#!/usr/bin/env bash
# Validate the deployment files offline: no container engine or cluster needed.
# Usage: deploy/check.sh [BIN_DIR] (the folder holding the checkers; default .venv/bin)
set -euo pipefail
bin="$(realpath "${1:-$(dirname "$0")/../.venv/bin}")"
cd "$(dirname "$0")"

"$bin/hadolint" Dockerfile
"$bin/check-jsonschema" --schemafile schemas/compose-spec.json compose.yaml
"$bin/kubernetes-validate" --strict --quiet \
    k8s/namespace.yaml k8s/config.yaml k8s/api.yaml k8s/scaling.yaml k8s/ingress.yaml \
    k8s/network-policies.yaml k8s/migrate-job.yaml
"$bin/check-jsonschema" --schemafile schemas/cnpg/cluster-v1.json k8s/database.yaml
"$bin/check-jsonschema" --schemafile schemas/cnpg/scheduledbackup-v1.json k8s/backup-schedule.yaml
# every manifest the kustomization names is one of those checked above
for file in $(sed -n 's/^  - \(.*\.yaml\)$/\1/p' k8s/kustomization.yaml); do
    grep -q "k8s/$file" check.sh || { echo "k8s/$file is not validated"; exit 1; }
done
echo "deployment files valid"
