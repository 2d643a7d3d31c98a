"""The GraphQL schema: every domain's query type merged in one place."""

from collections.abc import Callable
from decimal import Decimal
from functools import partial

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from service.accesslog.graphql import AccessLogQuery
from service.catalogue.graphql import CatalogueMutation, CatalogueQuery
from service.changes.graphql import ChangesQuery
from service.config import get_settings
from service.documents.graphql import DocumentsQuery
from service.figures.graphql import FigureHistoryQuery, FiguresMutation, FiguresQuery
from service.funds.graphql import FundsMutation, FundsQuery
from service.kit.graphql import CachedParse, PageType, ProblemExtensions
from service.kit.graphql_arguments import ArgumentMemo
from service.kit.graphql_connections import with_cursor_paging
from service.kit.graphql_descriptions import describe
from service.kit.graphql_inputs import BoundedDecimal, InputGuard
from service.kit.graphql_moments import NamedMomentArguments
from service.loans.graphql import LoansMutation, LoansQuery
from service.milestones.graphql import MilestonesQuery
from service.ops.graphql_calls import NoteGraphQLCall
from service.oversight.graphql import OversightQuery
from service.periods.graphql import PeriodsMutation, PeriodsQuery
from service.rectification.graphql import RectificationMutation, RectificationQuery
from service.regions.graphql import RegionsQuery

Query = merge_types(
    "Query",
    (
        RegionsQuery,
        FiguresQuery,
        FigureHistoryQuery,
        CatalogueQuery,
        FundsQuery,
        LoansQuery,
        RectificationQuery,
        DocumentsQuery,
        MilestonesQuery,
        PeriodsQuery,
        ChangesQuery,
        OversightQuery,
        AccessLogQuery,
    ),
)

# every paginated list also answers first/after/last/before (cursor connections)
with_cursor_paging(Query, lambda kind: issubclass(kind, PageType))

Mutation = merge_types(
    "Mutation",
    (
        FiguresMutation,
        FundsMutation,
        LoansMutation,
        RectificationMutation,
        CatalogueMutation,
        PeriodsMutation,
    ),
)

_cached = get_settings().graphql_document_cache_size
# What every schema built of these types carries; `service.limits` adds its own before.
EXTENSIONS: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
    # the same document is parsed once per process, not per request (a factory: the cache
    # lives at module level). Not validated from a cache: the cost limit's rule depends on
    # each request's variables, and a cached validation would also run on documents the
    # token limit has already refused.
    partial(CachedParse, maxsize=_cached),
    ArgumentMemo,
    ProblemExtensions,
    InputGuard,
    NoteGraphQLCall,
    NamedMomentArguments,
]
CONFIG = StrawberryConfig(scalar_map={Decimal: BoundedDecimal})

schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=EXTENSIONS, config=CONFIG)
describe(schema._schema)
