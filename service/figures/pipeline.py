"""The one write pipeline for figures, used by REST, GraphQL and the upload alike:
`check` a whole set of items at once and return every problem (item index, field,
message), then `apply` the set in one set-based statement.

A set is a relation (`Items`): a batch's parameters unnested, or an upload's staging
table. Both are checked by the same statements (`service.figures.rules`) and written
by the same one. `check` runs inside the writing transaction and locks the figures it
will write, so that revisions compared there still hold when `apply` writes.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from service.auth import policy
from service.auth.principal import Principal
from service.figures import rules, store
from service.figures.schemas import FigureWrite
from service.kit.db import Session
from service.kit.errors import Conflict, InvalidInput, ProblemError
from service.kit.write_pipeline import ItemProblem, Problems, batch_field
from service.periods.service import PeriodLocked


class RevisionConflict(Conflict):
    code = "revision-conflict"
    title = "The figure changed since it was read"


@dataclass(frozen=True)
class Items:
    """A set of items as SQL: `source` selects the columns the rules read (see
    `service.figures.rules`), with `args` as its parameters."""

    source: str
    args: list[Any]


def batch(year: int, items: list[FigureWrite]) -> Items:
    """A batch sent through REST or GraphQL: its items numbered from 0."""
    return Items(
        """select * from unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[],
                                $6::numeric[], $7::text[], $8::int[])
           as s (n, region, year, indicator, kind, value, unit, expected_revision)""",
        [
            list(range(len(items))),
            [i.region for i in items],
            [year] * len(items),
            [i.indicator for i in items],
            [i.kind.value for i in items],
            [i.value for i in items],
            [i.unit.value if i.unit else None for i in items],
            [i.expected_revision for i in items],
        ],
    )


@dataclass
class Checked:
    items: Items
    problems: Problems  # at most the limit listed; `total` counts them all
    changed: int = 0  # items whose value differs from what is stored

    def refusal(self) -> ProblemError | None:
        return self.problems.refusal()


class YearOutsidePlan(InvalidInput):
    def __init__(self, year: int) -> None:
        super().__init__("year", f"{year} is outside the plan: no targets were assigned for it")


Lock = Callable[[], Awaitable[None]]


async def check(
    db: Session,
    principal: Principal,
    items: Items,
    lock: Lock,
    *,
    unchanged_is_free: bool = False,
    limit: int = 10_000,
    problems: Problems | None = None,
) -> Checked:
    """Every check of a write, over the whole set, before anything is written: the
    catalogue, regions, units, values and duplicates in one statement; access by the
    policy over the distinct (region, kind) pairs; then, with the figures locked
    (`lock`), certified periods and revisions. With `unchanged_is_free`, an item equal
    to the stored value is left alone and needs no right to write (an upload of a
    whole export). At most `limit` problems are listed; `total` counts them all."""
    found = await rules.validate(db, items.source, items.args, limit)
    if found.unplanned:
        raise YearOutsidePlan(found.unplanned[0])
    problems = problems if problems is not None else Problems(batch_field)
    for p in found.problems:
        message = p.message
        if p.same_as is not None:
            message += f" (first as items[{p.same_as}])"
        error = InvalidInput(problems.name(p.n, p.field), message)
        problems.add(ItemProblem(p.n, p.field, error, p.same_as))
    problems.total = found.total
    checked = Checked(items, problems)

    refused: dict[tuple[str, str], ProblemError] = {}
    for (region, kind), ancestors in found.pairs.items():
        try:
            policy.ensure_may_write_figure(principal, region, kind, ancestors)
        except ProblemError as refusal:
            refused[region, kind] = refusal

    # Locked before revisions are compared: they still hold when the set is applied.
    await lock()
    if found.total > limit:
        return checked  # the list is full already: no more problems are looked for
    now = await rules.state(
        db,
        items.source,
        items.args,
        refused=sorted(refused),
        bad=problems.bad,
        unchanged_is_free=unchanged_is_free,
        limit=limit - len(problems.items),
    )
    checked.changed = now.changed
    listed_before = problems.total
    for r in now.refusals:
        if r.reason == "refused":
            problems.add(ItemProblem(r.n, "region", refused[r.region, r.kind], about=r))
        elif r.reason == "certified":
            where = problems.name(r.n, None)
            problems.add(
                ItemProblem(r.n, None, PeriodLocked(r.region, r.year, field=where), about=r)
            )
        else:
            conflict = RevisionConflict(
                f"items[{r.n}]: expected revision {r.expected_revision} of"
                f" {r.indicator} {r.kind} for {r.region}, found {r.revision}",
                field=problems.name(r.n, "expected_revision"),
                current_revision=r.revision,
            )
            problems.add(ItemProblem(r.n, "expected_revision", conflict, about=r))
    problems.total = listed_before + now.total
    return checked


@dataclass(frozen=True)
class Plan:
    """A batch of REST or GraphQL as a `WritePlan`: the figures' checks, then their one
    upsert. `if_match` (REST's If-Match, for one item) is compared once the set passed,
    under the lock."""

    principal: Principal
    year: int
    items: list[FigureWrite]
    reason: str
    if_match: Callable[[], Awaitable[None]] | None = None

    async def check(self, db: Session, problems: Problems) -> Checked:
        lock = lock_batch(db, self.year, self.items, self.reason)
        items = batch(self.year, self.items)
        checked = await check(db, self.principal, items, lock, problems=problems)
        if not problems and self.if_match is not None:
            await self.if_match()
        return checked

    async def apply(self, db: Session, checked: Checked) -> None:
        await apply(db, self.principal, checked)


def lock_batch(db: Session, year: int, items: list[FigureWrite], reason: str) -> Lock:
    """A batch locks its figures (under a shared lock of the year) and names its reason
    for the history in the same statement."""
    return lambda: store.lock(db, year, [(i.region, i.indicator) for i in items], reason)


async def apply(db: Session, principal: Principal, checked: Checked) -> tuple[int, list[int]]:
    """Write a checked set in one statement; an unchanged value is left alone. History
    and the changes feed are written by the database's triggers. The number of values
    written, and their years."""
    assert not checked.problems.items
    if not checked.changed:
        return 0, []
    return await store.upsert(db, checked.items.source, checked.items.args, principal.subject)
