"""The GraphQL schema and router as one deployment's settings limit them.

`service.graphql_schema.schema` stays the plain schema (its SDL is the contract); the
app serves this one: the same types with the limits, persisted operations, rate limits
and, in production, no introspection, no GraphiQL and masked unexpected errors.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import strawberry
from fastapi import Request
from fastapi.responses import HTMLResponse
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaskErrors, SchemaExtension
from strawberry.fastapi import GraphQLRouter
from strawberry.types import ExecutionContext

from service.config import Settings
from service.graphql_compiler import raw
from service.graphql_compiler.hook import compiled_reads
from service.graphql_schema import CONFIG, EXTENSIONS, Mutation, Query
from service.kit.errors import LimitExceeded, TooManyRequests
from service.kit.graphql_descriptions import describe
from service.kit.graphql_http import GraphQLOverHTTPRouter
from service.limits.cost import CostModel
from service.limits.graphql_rules import alias_limiter, cost_limiter, depth_limiter, token_limiter
from service.limits.persisted import AllowList, OperationNotAllowed, PersistedQueries
from service.limits.production import HiddenSuggestions, unexpected
from service.limits.rates import RateLimits
from service.limits.validation_cache import cached_validation
from service.pages.graphiql import graphiql_page

REFUSALS = (LimitExceeded, TooManyRequests, OperationNotAllowed)


@dataclass(frozen=True)
class GraphQLLimits:
    max_depth: int
    max_aliases: int
    max_tokens: int
    max_fragment_depth: int
    max_cost: int
    default_page_size: int
    max_page_size: int
    production: bool
    persisted_queries_path: Path | None
    persisted_queries_only: bool
    compile: bool = False
    plan_cache_size: int = 1000

    @classmethod
    def of(cls, settings: Settings) -> "GraphQLLimits":
        return cls(
            settings.graphql_max_depth,
            settings.graphql_max_aliases,
            settings.graphql_max_tokens,
            settings.graphql_max_fragment_depth,
            settings.graphql_max_cost,
            settings.default_page_size,
            settings.max_page_size,
            settings.production,
            settings.persisted_queries_path,
            settings.persisted_queries_only,
            settings.graphql_compile,
            settings.graphql_document_cache_size,
        )


class _LimitedSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Refusals by a limit are not logged with a traceback each: a flood of them
        would cost the very disk and time the limits save."""
        logged = [e for e in errors if not isinstance(e.original_error, REFUSALS)]
        super().process_errors(logged, execution_context)


@lru_cache(maxsize=16)
def limited_schema(limits: GraphQLLimits) -> strawberry.Schema:
    model = CostModel(limits.default_page_size, limits.max_page_size, limits.max_depth)
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = []
    if limits.persisted_queries_path is not None:
        allow_list = AllowList.load(limits.persisted_queries_path)
        # only production enforces the list: development keeps GraphiQL usable
        only = limits.persisted_queries_only and limits.production
        extensions.append(lambda: PersistedQueries(allow_list, only))
    extensions += [
        token_limiter(limits.max_tokens, limits.max_fragment_depth),
        RateLimits,
        depth_limiter(limits.max_depth),
        alias_limiter(limits.max_aliases),
        cost_limiter(limits.max_cost, model),
        *EXTENSIONS,
    ]
    # after every extension that adds rules, before the one that validates in production
    extensions.append(cached_validation(limits.plan_cache_size))
    if limits.production:
        extensions += [
            DisableIntrospection,
            HiddenSuggestions,  # last: validates with every rule the others added
            lambda: MaskErrors(should_mask_error=unexpected),
        ]
    if limits.compile:
        # last: runs only once every validation above has passed
        extensions.append(compiled_reads(limits.plan_cache_size))
    limited = _LimitedSchema(query=Query, mutation=Mutation, extensions=extensions, config=CONFIG)
    describe(limited._schema)  # introspection says what the committed SDL says
    return limited


class _Utf8Router(GraphQLOverHTTPRouter):
    """Answers in UTF-8 as it is: Chinese names as \\uXXXX escapes made answers 13–23%
    larger, and mobile apps pay for every byte."""

    def encode_json(self, data: object) -> bytes:
        if (compiled := raw.encode(data)) is not None:
            return compiled
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """GraphiQL from the package's assets: Strawberry's page loads it from a CDN."""
        return graphiql_page(request)


def graphql_router(
    settings: Settings, context_getter: Callable[..., Any]
) -> GraphQLRouter[Any, Any]:
    return _Utf8Router(
        limited_schema(GraphQLLimits.of(settings)),
        context_getter=context_getter,
        graphql_ide=None if settings.production else "graphiql",
    )
