"""Rate limits per principal (and per client address for anonymous reads), reads and
writes on separate budgets; 429 with Retry-After when a budget is spent.

Every request is charged by an app-wide dependency, before the route opens its database
session: the counter's statement never waits for a connection while the request holds
one (ten such requests would hold a pool of ten and wait for each other). A GraphQL
request spends the read budget there; a mutation also spends the write budget, in a
schema extension once the operation is known.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fastapi import Request
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from service.auth.dependencies import CurrentPrincipal
from service.auth.principal import Principal
from service.config import Settings
from service.kit.db import Database
from service.kit.errors import TooManyRequests
from service.limits.counters import Counters
from service.limits.graphql_rules import limit_error

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Noted in the request's state by whoever charged the read budget first (the response
# cache does, for the reads it may answer), so that the request is charged once: True,
# or the refusal, which the dependency then raises.
CHARGED = "rate_limit_charged"


@dataclass(frozen=True)
class RateLimiter:
    window_seconds: int
    reads: int
    writes: int
    anonymous_reads: int
    counters: Counters = field(compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> "RateLimiter":
        return cls(
            settings.rate_limit_window_seconds,
            settings.rate_limit_reads,
            settings.rate_limit_writes,
            settings.rate_limit_anonymous_reads,
            Counters(
                settings.rate_limit_window_seconds,
                settings.rate_limit_flush_seconds,
                settings.rate_limit_exact_last,
            ),
        )

    @property
    def enabled(self) -> bool:
        return any((self.reads, self.writes, self.anonymous_reads))

    def budget(
        self, principal: Principal | None, address: str, write: bool
    ) -> tuple[str, str, int]:
        """The limit's setting name, the counter's key, the budget (0: off)."""
        if principal is None or principal.is_anonymous:
            # anonymous writes are refused by the routes themselves (401)
            return "rate_limit_anonymous_reads", f"read:addr:{address}", self.anonymous_reads
        if write:
            return "rate_limit_writes", f"write:sub:{principal.subject}", self.writes
        return "rate_limit_reads", f"read:sub:{principal.subject}", self.reads

    async def charge(
        self, database: Database, principal: Principal | None, address: str, write: bool
    ) -> None:
        setting, key, budget = self.budget(principal, address, write)
        if budget == 0:
            return  # off: not even the statement
        hits, seconds_left = await self.counters.hit(database, key, budget)
        if hits > budget:
            raise TooManyRequests(
                f"more than {budget} requests per {self.window_seconds} s ({setting});"
                f" retry in {seconds_left} s",
                retry_after=seconds_left,
                limit=setting,
                limit_value=budget,
            )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def rate_limit(request: Request, principal: CurrentPrincipal) -> None:
    """App-wide dependency. Every route needs the caller anyway, so the token is verified
    once (FastAPI caches the dependency within a request)."""
    limiter: RateLimiter = request.app.state.rate_limiter
    charged = getattr(request.state, CHARGED, None)
    if isinstance(charged, TooManyRequests):
        raise charged
    if limiter.enabled and charged is None:
        graphql = request.url.path.startswith("/graphql")
        write = request.method not in SAFE_METHODS and not graphql
        await limiter.charge(request.app.state.db, principal, client_address(request), write)


class RateLimits(SchemaExtension):
    """Charges a mutation to the write budget before validation; a refusal is a 429 with
    Retry-After and the problem in the error's extensions. (Anonymous callers write
    nothing: the mutation refuses them.)"""

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        ctx = context.context
        if (
            not context.pre_execution_errors
            and _operation_type(context) is OperationType.MUTATION
            and not ctx.principal.is_anonymous
        ):
            request: Request = ctx.request
            try:
                await request.app.state.rate_limiter.charge(
                    ctx.database, ctx.principal, client_address(request), write=True
                )
            except TooManyRequests as error:
                context.pre_execution_errors = [limit_error(error)]
                ctx.response.status_code = error.status
                ctx.response.headers.update(error.headers())
        yield


def _operation_type(context: ExecutionContext) -> OperationType | None:
    try:
        return context.operation_type
    except RuntimeError:  # no such operation: validation will say so
        return None
