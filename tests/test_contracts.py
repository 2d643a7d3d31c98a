"""schema.graphql and openapi/openapi.json are generated from the code: they must not drift."""

from pathlib import Path

from service.contracts import OPENAPI_FILE, SCHEMA_FILE, graphql_sdl, openapi_json

REPO = Path(__file__).resolve().parents[1]
REGENERATE = "regenerate with `anju export-schema` and commit"


def test_graphql_schema_is_committed_as_generated() -> None:
    assert (REPO / SCHEMA_FILE).read_text("utf-8") == graphql_sdl(), REGENERATE


def test_openapi_is_committed_as_generated() -> None:
    assert (REPO / OPENAPI_FILE).read_text("utf-8") == openapi_json(), REGENERATE
