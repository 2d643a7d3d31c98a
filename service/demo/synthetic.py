"""Synthetic national figures: deterministic for a seed, plausible, and consistent.

Values are drawn for the regions that have no children (counties, zones, and cities
without counties) and summed upwards, so every parent equals the sum of its children
and every total the sum of its parts: the consistency report finds nothing to flag.
Amounts are integers in the unit's smallest published step (0.01 万㎡, 0.0001 亿元)
until they are written out, so the sums are exact.
"""

import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from service.catalogue.schemas import UNIT_DECIMALS, Unit

# Per leaf region and year: the range of a target, in whole units of the indicator.
_TARGET_RANGE = {
    Unit.SET: (20, 1500),
    Unit.SET_OR_ROOM: (20, 1500),
    Unit.HOUSEHOLD: (50, 3000),
    Unit.COMMUNITY: (2, 60),
    Unit.BUILDING: (10, 500),
    Unit.TEN_THOUSAND_SQM: (1, 60),
    Unit.HUNDRED_MILLION_YUAN: (0, 12),
    Unit.TEN_THOUSAND_YUAN: (100, 5000),
}
# How often a leaf region runs a programme in a given year.
_PROGRAMME_SHARE = 0.7
# 配售型保障性住房 starts in 2024; earlier years have none of it.
_FIRST_YEAR = {"SALE_HOUSING": 2024}
_COHORT = "COHORT_"
_LENDERS = ("CDB", "ADBC")
_FUND_SOURCES = (("CENTRAL", 0.9), ("PROVINCIAL", 0.6))
_FUND_CATEGORIES = ("PUBLIC_RENTAL", "SHANTYTOWN", "OLD_COMMUNITY", "RENT_SUBSIDY")


@dataclass(frozen=True)
class IndicatorRef:
    id: int
    programme: str
    phase: str
    unit: Unit
    breakdown: str | None


@dataclass
class Tables:
    """Rows per table, keyed for summing upwards; values are scaled integers."""

    # (region, year, indicator id, kind) → value
    figures: dict[tuple[str, int, int, str], int] = field(default_factory=dict)
    # (region, year, source) → (opening balance, adjustment) in cents of 万元
    funds: dict[tuple[str, int, str], list[int]] = field(default_factory=dict)
    # (region, year, source, direction, category) → amount in cents of 万元
    flows: dict[tuple[str, int, str, str, str], int] = field(default_factory=dict)
    # (region, year, lender) → credit line, cumulative, in year (0.0001 亿元)
    loans: dict[tuple[str, int, str], list[int]] = field(default_factory=dict)
    # (region, year) → amount (0.0001 亿元)
    bonds: dict[tuple[str, int], int] = field(default_factory=dict)
    # (region, campaign, item) → found, rectified
    tallies: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)


def scaled(value: int, decimals: int) -> str:
    """A scaled integer as decimal text: scaled(12345, 2) == '123.45'."""
    if decimals == 0:
        return str(value)
    text = str(value).rjust(decimals + 1, "0")
    return f"{text[:-decimals]}.{text[-decimals:]}"


def _amount(rng: random.Random, low: int, high: int, decimals: int) -> int:
    scale = 10**decimals
    return rng.randint(max(low * scale, 1), high * scale)


def _completion(rng: random.Random, target: int) -> int:
    # most regions reach their target, some fall short, a few exceed it well
    rate = min(max(rng.gauss(1.03, 0.15), 0.2), 1.6)
    return round(target * rate)


def leaf_tables(
    rng: random.Random,
    leaves: Iterable[str],
    years: list[int],
    indicators: list[IndicatorRef],
    campaigns: list[tuple[str, str]],
) -> Tables:
    """Values of the regions without children."""
    tables = Tables()
    by_programme: dict[str, list[IndicatorRef]] = defaultdict(list)
    for indicator in indicators:
        by_programme[indicator.programme].append(indicator)
    for region in leaves:
        for year in years:
            for programme, members in by_programme.items():
                if year < _FIRST_YEAR.get(programme, 0) or rng.random() > _PROGRAMME_SHARE:
                    continue
                _programme_figures(rng, tables, region, year, members)
            _funds(rng, tables, region, year)
            for lender in _LENDERS:
                if rng.random() < 0.25:
                    credit = _amount(rng, 1, 30, 4)
                    cumulative = rng.randint(0, credit)
                    tables.loans[(region, year, lender)] = [
                        credit,
                        cumulative,
                        rng.randint(0, cumulative),
                    ]
            if rng.random() < 0.3:
                tables.bonds[(region, year)] = _amount(rng, 0, 10, 4)
        for campaign, item in campaigns:
            if rng.random() < 0.5:
                found = rng.randint(1, 40)
                tables.tallies[(region, campaign, item)] = [found, rng.randint(0, found)]
    return tables


def _programme_figures(
    rng: random.Random, tables: Tables, region: str, year: int, members: list[IndicatorRef]
) -> None:
    # parts first, so that a total (breakdown null) is the sum of its parts
    totals: dict[tuple[str, Unit], list[int]] = {}
    parts = [i for i in members if i.breakdown and not i.breakdown.startswith(_COHORT)]
    for indicator in parts:
        low, high = _TARGET_RANGE[indicator.unit]
        target = _amount(rng, low, high, UNIT_DECIMALS[indicator.unit])
        actual = _completion(rng, target)
        tables.figures[(region, year, indicator.id, "TARGET")] = target
        tables.figures[(region, year, indicator.id, "ACTUAL")] = actual
        summed = totals.setdefault((indicator.phase, indicator.unit), [0, 0])
        summed[0] += target
        summed[1] += actual
    for indicator in members:
        if indicator in parts:
            continue
        if indicator.breakdown is None and (indicator.phase, indicator.unit) in totals:
            target, actual = totals[(indicator.phase, indicator.unit)]
        else:
            low, high = _TARGET_RANGE[indicator.unit]
            target = _amount(rng, low, high, UNIT_DECIMALS[indicator.unit])
            if indicator.breakdown is not None:  # a cohort: a small remainder of older work
                target = max(1, target // 10)
            actual = _completion(rng, target)
        tables.figures[(region, year, indicator.id, "TARGET")] = target
        tables.figures[(region, year, indicator.id, "ACTUAL")] = actual


def _funds(rng: random.Random, tables: Tables, region: str, year: int) -> None:
    for source, share in _FUND_SOURCES:
        if rng.random() > share:
            continue
        opening = _amount(rng, 0, 3000, 2)
        tables.funds[(region, year, source)] = [opening, 0]
        for category in rng.sample(_FUND_CATEGORIES, rng.randint(1, len(_FUND_CATEGORIES))):
            income = _amount(rng, 100, 5000, 2)
            tables.flows[(region, year, source, "INCOME", category)] = income
            spent = round(income * min(max(rng.gauss(0.85, 0.12), 0.3), 1.0))
            tables.flows[(region, year, source, "EXPENDITURE", category)] = spent


def summed_upwards(tables: Tables, parents: dict[str, str | None]) -> Tables:
    """Every ancestor of a leaf gets the sum of its children's values, key by key."""
    summed = Tables()
    for attribute in ("figures", "funds", "flows", "loans", "bonds", "tallies"):
        leaf_rows: dict[tuple[object, ...], object] = getattr(tables, attribute)
        out: dict[tuple[object, ...], object] = getattr(summed, attribute)
        for key, value in leaf_rows.items():
            region = str(key[0])
            rest = key[1:]
            code: str | None = region
            while code is not None:
                _add(out, (code, *rest), value)
                code = parents[code]
    return summed


def _add(out: dict[tuple[object, ...], object], key: tuple[object, ...], value: object) -> None:
    if isinstance(value, list):
        found = out.get(key)
        if found is None:
            out[key] = list(value)
        else:
            assert isinstance(found, list)
            for n, part in enumerate(value):
                found[n] += part
    else:
        assert isinstance(value, int)
        previous = out.get(key, 0)
        assert isinstance(previous, int)
        out[key] = previous + value


def csv_lines(rows: Iterator[tuple[object, ...]]) -> Iterator[bytes]:
    """Rows as CSV for COPY, in chunks (no field holds a comma or a quote)."""
    chunk: list[str] = []
    for row in rows:
        chunk.append(",".join("" if v is None else str(v) for v in row))
        if len(chunk) >= 20_000:
            yield ("\n".join(chunk) + "\n").encode()
            chunk = []
    if chunk:
        yield ("\n".join(chunk) + "\n").encode()
