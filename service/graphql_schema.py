"""The GraphQL schema: every domain's query type merged in one place."""

from decimal import Decimal

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from service.accesslog.graphql import AccessLogQuery
from service.catalogue.graphql import CatalogueMutation, CatalogueQuery
from service.changes.graphql import ChangesQuery
from service.documents.graphql import DocumentsQuery
from service.figures.graphql import FigureHistoryQuery, FiguresMutation, FiguresQuery
from service.funds.graphql import FundsMutation, FundsQuery
from service.kit.graphql import ProblemExtensions
from service.kit.graphql_inputs import BoundedDecimal, InputGuard
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

# What every schema built of these types carries; `service.limits` adds its own before.
EXTENSIONS = [ProblemExtensions, InputGuard, NoteGraphQLCall]
CONFIG = StrawberryConfig(scalar_map={Decimal: BoundedDecimal})

schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=EXTENSIONS, config=CONFIG)
