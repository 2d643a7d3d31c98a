"""The GraphQL schema: every domain's query type merged in one place."""

import strawberry
from strawberry.tools import merge_types

from service.catalogue.graphql import CatalogueQuery
from service.figures.graphql import FiguresQuery
from service.kit.graphql import ProblemExtensions
from service.regions.graphql import RegionsQuery

Query = merge_types("Query", (RegionsQuery, FiguresQuery, CatalogueQuery))

schema = strawberry.Schema(query=Query, extensions=[ProblemExtensions])
