"""The committed contract files, generated from the code."""

import json
from pathlib import Path

SCHEMA_FILE = "schema.graphql"
OPENAPI_FILE = "openapi/openapi.json"


def graphql_sdl() -> str:
    from service.graphql_schema import schema

    return schema.as_str() + "\n"


def openapi_json() -> str:
    from service.app import create_app

    return json.dumps(create_app().openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_contracts(root: Path) -> list[Path]:
    written = []
    for name, text in ((SCHEMA_FILE, graphql_sdl()), (OPENAPI_FILE, openapi_json())):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
