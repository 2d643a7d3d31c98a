"""The GraphQL schema: every domain's query type merged in one place."""

from functools import partial

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from service.catalogue.graphql import CatalogueMutation, CatalogueQuery
from service.changes.graphql import ChangesQuery
from service.config import get_settings
from service.documents.graphql import DocumentsQuery
from service.figures.graphql import FigureHistoryQuery, FiguresMutation, FiguresQuery
from service.funds.graphql import FundsMutation, FundsQuery
from service.kit.graphql import ProblemExtensions
from service.kit.graphql_arguments import ArgumentMemo
from service.loans.graphql import LoansMutation, LoansQuery
from service.milestones.graphql import MilestonesQuery
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
    ),
)

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
schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[
        ProblemExtensions,
        # the same document is parsed and validated once per process, not per request
        # (factories: the caches live at module level, one extension instance per request)
        partial(ParserCache, maxsize=_cached),
        partial(ValidationCache, maxsize=_cached),
        ArgumentMemo,
    ],
)
