"""The one write pipeline for figures, used by REST, GraphQL and the upload alike:
`check` a whole set of items at once and return every problem (item index, field,
message), then `apply` the set in set-based statements.

`check` runs inside the writing transaction and locks the figures it will write, so
that revisions compared there still hold when `apply` writes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from service.auth import policy
from service.auth.principal import Principal
from service.catalogue import store as catalogue_store
from service.catalogue.schemas import UNIT_NAMES_ZH
from service.catalogue.units import value_problem
from service.figures import store
from service.figures.schemas import FigureKind, FigureWrite
from service.kit.db import Session
from service.kit.errors import Conflict, InvalidInput, ProblemError
from service.periods import store as periods_store
from service.periods.service import PeriodLocked
from service.regions import store as regions_store


class RevisionConflict(Conflict):
    code = "revision-conflict"
    title = "The figure changed since it was read"


@dataclass(frozen=True)
class ItemProblem:
    """What is wrong with one item: `field` is the item's own (None: the item as a
    whole); `error` is the problem a door reports, its field `items[n].field`."""

    index: int
    field: str | None
    error: ProblemError
    same_as: int | None = None  # a duplicate: the index of the item it repeats

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.index,
            "field": self.field,
            "status": self.error.status,
            "code": self.error.code,
            "message": self.error.detail,
        }


@dataclass
class Checked:
    year: int
    writes: list[tuple[store.WriteKey, Decimal]] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # items equal to what is stored
    problems: list[ItemProblem] = field(default_factory=list)

    def refusal(self) -> ProblemError | None:
        """The first problem, as the doors report it, listing every problem."""
        if not self.problems:
            return None
        first = self.problems[0].error
        if len(self.problems) > 1:
            first.extra["errors"] = [p.as_dict() for p in self.problems]
        return first


def _item_field(index: int, name: str | None) -> str:
    return f"items[{index}]" + (f".{name}" if name else "")


async def check(
    db: Session,
    principal: Principal,
    year: int,
    items: list[FigureWrite],
    *,
    unchanged_is_free: bool = False,
) -> Checked:
    """Every check of a write, over the whole set, before anything is written: the
    catalogue, regions and their ancestors read once; access, units, values and
    duplicates per item; certified periods; then the figures locked and their
    revisions compared. With `unchanged_is_free`, an item equal to the stored value
    is left alone and needs no right to write (an upload of a whole export)."""
    checked = Checked(year)
    problems: list[ItemProblem] = []

    def refuse(index: int, name: str | None, error: ProblemError) -> None:
        problems.append(ItemProblem(index, name, error))

    def invalid(index: int, name: str | None, message: str, same_as: int | None = None) -> None:
        where = _item_field(index, name)
        problems.append(ItemProblem(index, name, InvalidInput(where, message), same_as))

    indicators = {
        i.code: i
        for i in await catalogue_store.indicators(db, codes=sorted({i.indicator for i in items}))
    }
    region_codes = sorted({i.region for i in items})
    known = {r.code for r in await regions_store.by_codes(db, region_codes)}
    ancestors = await regions_store.ancestors(db, sorted(known))

    formed: list[tuple[int, FigureWrite, store.WriteKey]] = []
    seen: dict[store.WriteKey, int] = {}
    for n, item in enumerate(items):
        before = len(problems)
        indicator = indicators.get(item.indicator)
        if item.region not in known:
            invalid(n, "region", f"no region with code '{item.region}'")
        if indicator is None:
            invalid(n, "indicator", f"no indicator with code '{item.indicator}'")
            continue
        if item.unit is not None and item.unit != indicator.unit:
            invalid(
                n,
                "unit",
                f"{indicator.code} is counted in {UNIT_NAMES_ZH[indicator.unit]}"
                f" ({indicator.unit.value}), not {item.unit.value}",
            )
        if (problem := value_problem(item.value, indicator.unit)) is not None:
            invalid(n, "value", problem)
        key = (item.region, year, indicator.id, item.kind.value)
        if (first := seen.setdefault(key, n)) != n:
            invalid(
                n,
                None,
                f"{item.indicator} {item.kind.value} of {item.region} is given twice"
                f" (first as items[{first}])",
                same_as=first,
            )
        if len(problems) == before:
            formed.append((n, item, key))

    # Locked before revisions are compared: they still hold when the set is applied.
    current = await store.lock(db, [key for _, _, key in formed])
    actuals = [(i.region, year) for _, i, _ in formed if i.kind is FigureKind.ACTUAL]
    certified = await periods_store.certified(db, actuals)
    for n, item, key in formed:
        revision, stored = current.get(key, (0, None))
        if unchanged_is_free and stored == item.value:
            checked.unchanged.append(n)
            continue
        try:
            policy.ensure_may_write_figure(
                principal, item.region, item.kind.value, ancestors[item.region]
            )
        except ProblemError as refusal:
            refuse(n, "region", refusal)
            continue
        if item.kind is FigureKind.ACTUAL and (item.region, year) in certified:
            refuse(
                n,
                None,
                PeriodLocked(item.region, year, field=_item_field(n, None)),
            )
        elif item.expected_revision is not None and item.expected_revision != revision:
            refuse(
                n,
                "expected_revision",
                RevisionConflict(
                    f"items[{n}]: expected revision {item.expected_revision} of"
                    f" {item.indicator} {item.kind.value} for {item.region}, found {revision}",
                    field=_item_field(n, "expected_revision"),
                    current_revision=revision,
                ),
            )
        else:
            checked.writes.append((key, item.value))
    checked.problems = problems
    return checked


async def apply(db: Session, principal: Principal, reason: str, checked: Checked) -> None:
    """Write a checked set in one statement; an unchanged value is left alone. History
    and the changes feed are written by the database's triggers."""
    assert not checked.problems
    if not checked.writes:
        return
    await db.set_claims(reason=reason)
    keys = [key for key, _ in checked.writes]
    await store.upsert(db, keys, [value for _, value in checked.writes], principal.subject)
