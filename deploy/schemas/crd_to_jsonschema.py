"""Turn a CustomResourceDefinition into a JSON Schema for offline validation (what
kubeconform's openapi2jsonschema does): the version's openAPIV3Schema, with unknown
fields refused wherever the CRD lists the fields, and apiVersion and kind fixed.

    python crd_to_jsonschema.py CRD.yaml VERSION > schema.json
"""

import json
import sys
from typing import Any

import yaml


def strict(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: strict(v) for k, v in node.items()}
        if (
            "properties" in node
            and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")
        ):
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [strict(v) for v in node]
    return node


def main(path: str, version: str) -> None:
    with open(path, encoding="utf-8") as f:
        crd = yaml.safe_load(f)
    spec = crd["spec"]
    (found,) = [v for v in spec["versions"] if v["name"] == version]
    schema = strict(found["schema"]["openAPIV3Schema"])
    schema["properties"]["apiVersion"] = {"const": f"{spec['group']}/{version}"}
    schema["properties"]["kind"] = {"const": spec["names"]["kind"]}
    schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind", "spec"})
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = f"{spec['names']['kind']} {spec['group']}/{version}"
    json.dump(schema, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
