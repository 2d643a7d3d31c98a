"""Which requests the cache may answer, and what identifies their answer besides the
caller's read rights and the data version."""

import json
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
)

from service.auth.principal import Principal, Scope
from service.kit.graphql import CachedParse

API = "/api/v1/"
GRAPHQL = "/graphql"
# Streamed files: neither kept nor compressed here (an xlsx is a zip already).
STREAMED = ("/api/v1/exports/",)
# Answers that change without a write of the API's data: the changes feed publishes a
# change once older transactions end (their snapshot's xmin), and the access log is
# written by every request; a job answers its owner only and moves on by itself.
UNCACHED = ("/api/v1/changes", "/api/v1/access-log", "/api/v1/jobs")
UNCACHED_FIELDS = frozenset({"changes", "accessLog"})


@dataclass(frozen=True)
class Read:
    """A cacheable read: the parts of its key that come from the request."""

    parts: tuple[Hashable, ...]
    # sent by GET: ETag, Last-Modified and 304s apply
    conditional: bool


def reader_class(principal: Principal) -> tuple[bool, bool, bool]:
    """What changes a read's answer about its caller: the read scopes (an auditor's
    answer is not a figure reader's), and anonymity (a refusal names the token missing
    rather than a scope). Never who the caller is."""
    return (
        principal.is_anonymous,
        Scope.FIGURES_READ in principal.scopes,
        Scope.AUDIT_READ in principal.scopes,
    )


def rest_read(path: str, query_string: bytes) -> Read | None:
    if not path.startswith(API) or path.startswith(STREAMED + UNCACHED):
        return None
    return Read(("GET", path, query_string), conditional=True)


class GraphQLReads:
    """GraphQL queries (never mutations), told apart with the schema's own parse cache."""

    def __init__(self, document_cache_size: int, max_tokens: int) -> None:
        self._parse = CachedParse(maxsize=document_cache_size).cached_parse_document
        self._max_tokens = max_tokens

    def from_get(self, query_string: bytes, accept: str | None) -> Read | None:
        params = {k: v[-1] for k, v in parse_qs(query_string.decode("latin-1")).items()}
        try:
            variables = json.loads(params["variables"]) if "variables" in params else None
            extensions = json.loads(params["extensions"]) if "extensions" in params else None
        except ValueError:
            return None
        return self._read(
            "GET", params.get("query"), variables, params.get("operationName"), extensions, accept
        )

    def from_post(self, body: bytes, accept: str | None) -> Read | None:
        try:
            request = json.loads(body)
        except ValueError:
            return None
        if not isinstance(request, dict):
            return None  # a batch, or no request at all: the router answers it
        return self._read(
            "POST",
            request.get("query"),
            request.get("variables"),
            request.get("operationName"),
            request.get("extensions"),
            accept,
        )

    def _read(
        self,
        method: str,
        query: Any,
        variables: Any,
        operation_name: Any,
        extensions: Any,
        accept: str | None,
    ) -> Read | None:
        if not isinstance(query, str) or not (
            operation_name is None or isinstance(operation_name, str)
        ):
            return None  # a persisted query sent by its hash alone, or a malformed request
        try:
            document = self._parse(query, max_tokens=self._max_tokens)
        except GraphQLError:
            return None  # refused by the schema's own parse, as it should be
        operation = get_operation_ast(document, operation_name)
        if (
            operation is None
            or operation.operation is not OperationType.QUERY
            or _root_fields(document, operation) & UNCACHED_FIELDS
        ):
            return None
        return Read(
            (
                "graphql",
                method,
                query,
                _canonical(variables),
                operation_name,
                _canonical(extensions),
                accept,
            ),
            conditional=method == "GET",
        )


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _root_fields(document: DocumentNode, operation: OperationDefinitionNode) -> set[str]:
    """The root fields an operation selects, through its fragments."""
    fragments = {
        d.name.value: d.selection_set
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    names: set[str] = set()
    seen: set[str] = set()
    stack: list[SelectionSetNode] = [operation.selection_set]
    while stack:
        for node in stack.pop().selections:
            if isinstance(node, FieldNode):
                names.add(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                stack.append(node.selection_set)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                seen.add(node.name.value)
                if node.name.value in fragments:
                    stack.append(fragments[node.name.value])
    return names
