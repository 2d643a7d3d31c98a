"""What every GraphQL module shares: the typed context, DataLoaders, pages, enums, errors."""

from collections.abc import Awaitable, Callable, Hashable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, suppress
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.fastapi import BaseContext

from service.kit.db import Database, Session, Timeouts, as_problem
from service.kit.errors import InvalidInput, ProblemError
from service.kit.graphql_connections import ConnectionFields
from service.kit.pagination import Page, PageRequest
from service.kit.write_pipeline import ItemProblemType, item_problems

if TYPE_CHECKING:
    from service.auth.principal import Principal

Code = TypeVar("Code", bound=str)
K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
R = TypeVar("R")
Id = TypeVar("Id", bound=Hashable)
G = TypeVar("G", bound=Hashable)


class LoaderKey(Enum):
    """One DataLoader per key per request."""

    REGION = "region"
    CHILDREN = "children"
    DESCENDANTS = "descendants"
    FIGURES = "figures"
    FUNDS = "funds"
    LOANS = "loans"
    BONDS = "bonds"
    RECTIFICATION = "rectification"
    RECTIFICATION_SUMMARY = "rectification-summary"
    STATED_VALUES = "stated-values"


class Context(BaseContext):
    """What a GraphQL request's resolvers share: the caller, its read snapshot, loaders."""

    def __init__(
        self,
        db: Session,
        *,
        database: Database,
        principal: "Principal",
        request_id: str | None,
        open_write: Callable[[], AbstractAsyncContextManager[Session]],
        read_refusal: ProblemError | None = None,
    ) -> None:
        super().__init__()
        self._db = db
        self.database = database  # mutations open their own write transaction
        self.principal = principal
        self.request_id = request_id
        self.open_write = open_write  # a write transaction acting as the caller
        self._read_refusal = read_refusal
        self._loaders: dict[LoaderKey, DataLoader[Any, Any]] = {}

    @property
    def db(self) -> Session:
        """The read snapshot; refused when the caller may not read."""
        if self._read_refusal is not None:
            raise self._read_refusal
        return self._db

    def loader(
        self, key: LoaderKey, make: Callable[[Session], DataLoader[K, V]]
    ) -> DataLoader[K, V]:
        if key not in self._loaders:
            self._loaders[key] = make(self.db)
        return self._loaders[key]


def ctx(info: strawberry.Info[Context, Any]) -> Context:
    return info.context


class HasCode(Protocol):
    """A parent a region field hangs from."""

    code: str


def batched_loader(
    fetch: Callable[[Session, list[Id], G], Awaitable[Mapping[Id, V]]],
) -> Callable[[Session], DataLoader[tuple[Id, G], V]]:
    """A DataLoader maker for keys (id, group): one `fetch` per distinct group among the
    keys, whatever the number of ids (regions, documents). `fetch` answers every id.

    A domain error of one group (a filter it refuses) answers that group's keys only."""

    def make(db: Session) -> DataLoader[tuple[Id, G], V]:
        async def load(keys: list[tuple[Id, G]]) -> list[V | ProblemError]:
            groups: dict[G, list[Id]] = {}
            for ident, group in keys:
                groups.setdefault(group, []).append(ident)
            found: dict[tuple[Id, G], V | ProblemError] = {}
            for group, ids in groups.items():
                try:
                    fetched: Mapping[Id, V | ProblemError] = await fetch(db, ids, group)
                except ProblemError as error:
                    fetched = dict.fromkeys(ids, error)
                for ident, value in fetched.items():
                    found[(ident, group)] = value
            return [found[k] for k in keys]

        return DataLoader(load_fn=load)

    return make


def described_enum(name: str, description: str, names_zh: Mapping[Code, str]) -> Any:
    """A GraphQL enum whose every value is described with its Chinese name.

    `names_zh` may be keyed by the domain's own str-enum members: their values are the codes.
    """
    members = {
        str(code): strawberry.enum_value(str(code), description=zh) for code, zh in names_zh.items()
    }
    enum: Any = Enum(name, members)  # type: ignore[misc]
    return strawberry.enum(enum, description=description)


def page_request(limit: int | None, offset: int | None) -> PageRequest:
    return PageRequest.of(limit, offset)


@strawberry.type
class PageType(ConnectionFields[T], Generic[T]):
    """One page of a list. Each list subclasses it to keep its own GraphQL name:
    `@strawberry.type(name="FigurePage") class FigurePage(PageType[FigureType])`.
    Offset fields (`items` …) and a cursor connection's (`edges`, `pageInfo` …) both."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None
    last_changed: datetime | None = strawberry.field(
        description="When the newest item of the page last changed"
    )

    @classmethod
    def from_page(cls, page: Page[R], convert: Callable[[R], T]) -> Self:
        return cls(
            items=[convert(r) for r in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            next_offset=page.next_offset,
            last_changed=page.last_changed,
        )


def served_as(_type: type[T], record: object) -> T:
    """A domain record served as the GraphQL type whose fields it has under the same
    names: fields resolve by attribute, so nested reads skip a copy per row."""
    return record  # type: ignore[return-value]


def enum_value(value: Enum | None) -> Any:
    return value.value if value is not None else None


class ProblemExtensions(SchemaExtension):
    """Domain errors carry their problem details (code, field, status) in `extensions`."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        database = getattr(self.execution_context.context, "database", None)
        timeouts = database.timeouts if isinstance(database, Database) else None
        result.errors = [_with_problem(e, timeouts) for e in result.errors]


def _with_problem(error: GraphQLError, timeouts: Timeouts | None) -> GraphQLError:
    original = error.original_error
    problem = as_problem(original, timeouts) if original is not None else None
    if problem is not None:
        error.extensions = {**(error.extensions or {}), **problem.problem()}
        if problem is not original:
            error.message = problem.detail  # never a raw database message
        if (label := _CLASSIFICATION.get(problem.status)) is not None:
            error.extensions["classification"] = label
    return error


# The labels GraphQL servers commonly give errors (Apollo's codes), so that generic clients
# and test tools tell a refused request from a server failure; 429 and 503 keep none.
_CLASSIFICATION = {
    400: "BAD_USER_INPUT",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "BAD_USER_INPUT",
    409: "BAD_USER_INPUT",
    412: "BAD_USER_INPUT",
    413: "BAD_USER_INPUT",
    422: "BAD_USER_INPUT",
}


@strawberry.interface(name="Problem", description="Why a mutation changed nothing.")
class ProblemType:
    message: str
    code: str
    field: str | None
    items: list[ItemProblemType] = strawberry.field(
        default_factory=list,
        description="Every item's problem when a write's items had several, in item order."
        " 写入各项的全部问题（按项顺序）。",
    )


@strawberry.type(description="A value was missing, malformed or out of range (422).")
class InvalidInputError(ProblemType):
    pass


@strawberry.type(description="A region, indicator or record does not exist (404).")
class NotFoundError(ProblemType):
    pass


@strawberry.type(description="No valid token came with the request (401).")
class UnauthenticatedError(ProblemType):
    pass


@strawberry.type(description="The caller may not do this (403).")
class ForbiddenError(ProblemType):
    pass


@strawberry.type(description="Another write came first; read again and retry (409).")
class ConflictError(ProblemType):
    current_revision: int | None


ProblemUnion = (
    InvalidInputError | NotFoundError | UnauthenticatedError | ForbiddenError | ConflictError
)
_BY_STATUS: dict[int, type[ProblemType]] = {
    401: UnauthenticatedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    412: ConflictError,
    422: InvalidInputError,
}


def problem_result(error: ProblemError) -> ProblemUnion:
    kind = _BY_STATUS.get(error.status)
    if kind is None:
        raise error
    fields: dict[str, Any] = {
        "message": error.detail,
        "code": error.code,
        "field": error.field,
        "items": item_problems(error),
    }
    if kind is ConflictError:
        fields["current_revision"] = error.extra.get("current_revision")
    result: ProblemUnion = kind(**fields)  # type: ignore[assignment]
    return result


async def guarded_write(
    context: Context, run: Callable[[Session], Awaitable[V]]
) -> V | ProblemUnion:
    """Run a write in its own transaction; a domain error rolls it back and is returned
    as a typed result instead of a top-level error."""
    try:
        async with context.open_write() as db:
            return await run(db)
    except ProblemError as error:
        return problem_result(error)


__all__ = ["Context", "InvalidInput", "LoaderKey", "ProblemExtensions", "ctx", "described_enum"]


class CachedParse(ParserCache):
    """Strawberry's parse cache, except that a document that fails to parse (a syntax
    error, or past the token limit) is left to the schema's own parse, which reports
    the error the way the limits turn into problems."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        # a document another extension already decided on (a refused one) stays as it is
        if context.graphql_document is None and context.query:
            with suppress(GraphQLError):
                context.graphql_document = self.cached_parse_document(
                    context.query, **context.parse_options
                )
        yield
