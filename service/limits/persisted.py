"""Persisted operations: an allow-list of trusted queries keyed by their sha256.

Clients send `extensions.persistedQuery.sha256Hash` (as Apollo clients do), with or
without the query text, or the full text of a registered query. With
`persisted_queries_only` a production deployment refuses everything else.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from graphql import parse
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from service.kit.errors import ProblemError
from service.limits.graphql_rules import limit_error


class OperationNotAllowed(ProblemError):
    status = 400
    code = "persisted-query-not-found"
    title = "Operation not in the allow-list"


def digest(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


class AllowList:
    def __init__(self, queries: Mapping[str, str]) -> None:
        self.queries = dict(queries)

    @classmethod
    def load(cls, path: Path) -> "AllowList":
        """The file's hashes are checked at start-up: a wrong one is a deployment error."""
        queries: dict[str, str] = json.loads(path.read_text("utf-8"))
        wrong = [h for h, q in queries.items() if digest(q) != h]
        if wrong:
            raise ValueError(f"{path}: {len(wrong)} hashes do not match their queries: {wrong[0]}")
        return cls(queries)

    def resolve(self, query: str | None, extensions: Mapping[str, Any] | None, only: bool) -> str:
        """The query to run, or OperationNotAllowed."""
        persisted = (extensions or {}).get("persistedQuery")
        wanted = persisted.get("sha256Hash") if isinstance(persisted, Mapping) else None
        if isinstance(wanted, str):
            known = self.queries.get(wanted)
            if known is None:
                raise OperationNotAllowed(
                    f"no registered operation has sha256 {wanted}", sha256Hash=wanted
                )
            if query is not None and query != known:
                raise OperationNotAllowed("the query does not match its sha256", sha256Hash=wanted)
            return known
        if only:
            given = digest(query or "")
            if given not in self.queries:
                raise OperationNotAllowed(
                    "only registered operations are accepted; send one by its sha256",
                    sha256Hash=given,
                )
        if query is None:
            raise OperationNotAllowed("no query and no persisted query hash")
        return query


def build(files: Iterable[Path]) -> dict[str, str]:
    """An allow-list from .graphql files, one operation document per file."""
    queries: dict[str, str] = {}
    for file in files:
        text = file.read_text("utf-8")
        parse(text)  # a broken document is refused here, not at the first request
        queries[digest(text)] = text
    return queries


# Parsed instead of the refused query, so that nothing of it is parsed or run.
_PLACEHOLDER = parse("{ __typename }")


def refuse(context: ExecutionContext, error: ProblemError) -> None:
    """End the operation before parsing, with `error` as its only GraphQL error."""
    context.graphql_document = _PLACEHOLDER
    context.pre_execution_errors = [limit_error(error)]


class PersistedQueries(SchemaExtension):
    def __init__(self, allow_list: AllowList, only: bool) -> None:
        self.allow_list = allow_list
        self.only = only

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.query = self.allow_list.resolve(
                context.query, context.operation_extensions, self.only
            )
        except OperationNotAllowed as error:
            refuse(context, error)
        yield
