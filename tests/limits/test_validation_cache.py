"""A request that passed validation is not validated again; its variables are part of
the key, so a cost the variables raise is still refused."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

from tests.limits.conftest import AppClient
from tests.limits.problems import refused

QUERY = """query ($n: Int) {
  region(code: "360000") { descendants { figures(limit: $n) { items { target } } } }
}"""


@contextmanager
def counted_validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls: list[int] = []
    validate = strawberry_schema.validate_document

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return validate(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate_document", counting)
    yield calls


async def test_a_passed_request_is_validated_once(
    limited: AppClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with limited(response_cache=False) as client:  # every request reaches GraphQL
        with counted_validations(monkeypatch) as calls:
            for _ in range(3):
                answer = await client.post("/graphql", json={"query": QUERY, "variables": {"n": 7}})
                assert "errors" not in answer.json()
    assert len(calls) == 1


async def test_other_variables_are_validated_and_refusals_always(
    limited: AppClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with limited(response_cache=False) as client:  # every request reaches GraphQL
        with counted_validations(monkeypatch) as calls:
            small = await client.post("/graphql", json={"query": QUERY, "variables": {"n": 9}})
            large = [
                await client.post("/graphql", json={"query": QUERY, "variables": {"n": 500}})
                for _ in range(2)
            ]
    assert "errors" not in small.json()
    assert [refused(a.json())[0]["limit"] for a in large] == ["cost", "cost"]
    assert len(calls) == 3
