"""What every GraphQL module shares: the typed context, DataLoaders, enums, errors."""

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension
from strawberry.fastapi import BaseContext

from service.kit.db import Session
from service.kit.errors import InvalidInput, ProblemError
from service.kit.pagination import PageRequest

K = TypeVar("K")
V = TypeVar("V")


class LoaderKey(Enum):
    """One DataLoader per key per request."""

    REGION = "region"
    CHILDREN = "children"
    FIGURES = "figures"
    FUNDS = "funds"
    LOANS = "loans"
    BONDS = "bonds"
    RECTIFICATION = "rectification"
    RECTIFICATION_SUMMARY = "rectification-summary"
    STATED_VALUES = "stated-values"


class Context(BaseContext):
    def __init__(self, db: Session) -> None:
        super().__init__()
        self.db = db
        self._loaders: dict[LoaderKey, DataLoader[Any, Any]] = {}

    def loader(
        self, key: LoaderKey, make: Callable[[Session], DataLoader[K, V]]
    ) -> DataLoader[K, V]:
        if key not in self._loaders:
            self._loaders[key] = make(self.db)
        return self._loaders[key]


def ctx(info: strawberry.Info[Context, Any]) -> Context:
    return info.context


def described_enum(name: str, description: str, names_zh: dict[str, str]) -> Any:
    """A GraphQL enum whose every value is described with its Chinese name."""
    members = {code: strawberry.enum_value(code, description=zh) for code, zh in names_zh.items()}
    enum: Any = Enum(name, members)  # type: ignore[misc]
    return strawberry.enum(enum, description=description)


def page_request(limit: int | None, offset: int | None) -> PageRequest:
    return PageRequest.of(limit, offset)


def enum_value(value: Enum | None) -> Any:
    return value.value if value is not None else None


class ProblemExtensions(SchemaExtension):
    """Domain errors carry their problem details (code, field, status) in `extensions`."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [_with_problem(e) for e in result.errors]


def _with_problem(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, ProblemError):
        error.extensions = {**(error.extensions or {}), **original.problem()}
    return error


__all__ = ["Context", "InvalidInput", "LoaderKey", "ProblemExtensions", "ctx", "described_enum"]
