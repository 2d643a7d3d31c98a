"""Every summable value the service holds, as one comparable shape.

A value is one number of one region and year under a key that means the same in
every region (an indicator and kind, a lender's credit line, a fund category …), so a
parent's value can be set against the sum of its children's under the same key.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from service.catalogue.schemas import UNIT_NAMES_ZH, Unit
from service.figures.schemas import KIND_NAMES_ZH, FigureKind, Source
from service.funds.schemas import DIRECTION_NAMES_ZH, SOURCE_NAMES_ZH, FundAccount
from service.loans.schemas import BondIssue, RegionLoans
from service.oversight.compare import plain
from service.oversight.intervals import Interval, places
from service.rectification.schemas import ITEM_NAMES_ZH, Tally, TallyItem

# A cohort ("started before 2020, unfinished by 2023") is a subset of the total, not
# one of the parts that add up to it, so it is never summed into the total.
COHORT_PREFIX = "COHORT_"

WAN_YUAN = UNIT_NAMES_ZH[Unit.TEN_THOUSAND_YUAN]
YI_YUAN = UNIT_NAMES_ZH[Unit.HUNDRED_MILLION_YUAN]
TALLY_UNITS_ZH = {
    TallyItem.FINDINGS: "个",
    TallyItem.PROJECTS: "个",
    TallyItem.HOUSEHOLDS: "户",
    TallyItem.UNPAID_FEE_HOUSEHOLDS: "户",
}


# (region, year, key) → the places a document published the value with; a value not
# in it (written through the service) counts with the places it is stored with.
Places = dict[tuple[str, int | None, str], int]


def _published(value: Decimal, key: tuple[str, int | None, str], published: Places) -> Interval:
    return Interval.published(value, published.get(key, places(value)))


@dataclass(frozen=True)
class Value:
    region_code: str
    year: int | None
    key: str  # the same across regions: what is summed
    subject: str
    subject_zh: str
    kind: str | None
    unit_zh: str
    value: Decimal
    interval: Interval  # where the value truly lies, given the places it was published with
    source: Source
    total_key: str | None = None  # the key of the total this value is a breakdown part of
    subject_name: str = ""  # the subject's name without the kind (an indicator's name_zh)
    part_label: str | None = None


def from_figures(rows: Iterable[asyncpg.Record]) -> list[Value]:
    found: list[Value] = []
    for r in rows:
        unit = Unit(r["unit"])
        breakdown = r["breakdown"]
        is_part = breakdown is not None and not breakdown.startswith(COHORT_PREFIX)
        total_code = f"{r['programme_code']}:{r['phase']}:{r['unit']}"
        value = plain(r["value"])
        found.append(
            Value(
                region_code=r["region_code"],
                year=r["year"],
                key=f"{r['indicator']}|{r['kind']}",
                subject=r["indicator"],
                subject_zh=f"{r['indicator_zh']}（{KIND_NAMES_ZH[FigureKind(r['kind'])]}）",
                kind=r["kind"],
                unit_zh=UNIT_NAMES_ZH[unit],
                value=value,
                interval=Interval.published(value, places(value)),
                source=Source(
                    document_number=r["document_number"],
                    annex=r["annex"],
                    line=r["source_line"],
                    principal=r["source_principal"],
                ),
                total_key=f"{total_code}|{r['kind']}" if is_part else None,
                part_label=r["breakdown_zh"] if is_part else None,
                subject_name=r["indicator_zh"],
            )
        )
    return found


def from_funds(accounts: Iterable[FundAccount], published: Places) -> list[Value]:
    found: list[Value] = []
    for a in accounts:
        name = SOURCE_NAMES_ZH[a.source]
        values: list[tuple[str, str, Decimal | None]] = [
            (f"fund:{a.source.value}:opening_balance", f"{name}截至上年末结余", a.opening_balance),
            (f"fund:{a.source.value}:adjustment", f"{name}已统计支付后调整收回", a.adjustment),
        ]
        values += [
            (
                f"fund:{a.source.value}:{f.direction.value}:{f.category}",
                f"{name}{DIRECTION_NAMES_ZH[f.direction]}（{f.category_zh}）",
                f.amount,
            )
            for f in a.flows
        ]
        found += [
            Value(
                region_code=a.region_code,
                year=a.year,
                key=key,
                subject=key,
                subject_zh=zh,
                kind=None,
                unit_zh=WAN_YUAN,
                value=plain(value),
                interval=_published(plain(value), (a.region_code, a.year, key), published),
                source=a.provenance,
            )
            for key, zh, value in values
            if value is not None
        ]
    return found


def from_loans(summaries: Iterable[RegionLoans], published: Places) -> list[Value]:
    found: list[Value] = []
    for s in summaries:
        for f in s.facilities:
            lender = f.lender.short_zh
            for field, zh, value in (
                ("credit_line", "有效授信", f.credit_line),
                ("disbursed_cumulative", "累计发放", f.disbursed_cumulative),
                ("disbursed_in_year", "当年发放", f.disbursed_in_year),
            ):
                if value is None:
                    continue
                key = f"loan:{f.lender.code}:{field}"
                found.append(
                    Value(
                        region_code=s.region_code,
                        year=s.year,
                        key=key,
                        subject=key,
                        subject_zh=f"棚改专项贷款{zh}（{lender}）",
                        kind=None,
                        unit_zh=YI_YUAN,
                        value=plain(value),
                        interval=_published(plain(value), (s.region_code, s.year, key), published),
                        source=f.source,
                    )
                )
    return found


def from_bonds(bonds: Iterable[BondIssue], published: Places) -> list[Value]:
    return [
        Value(
            region_code=b.region_code,
            year=b.year,
            key="bond:amount",
            subject="bond:amount",
            subject_zh="棚改专项债券发行",
            kind=None,
            unit_zh=YI_YUAN,
            value=plain(b.amount),
            interval=_published(plain(b.amount), (b.region_code, b.year, "bond:amount"), published),
            source=b.source,
        )
        for b in bonds
    ]


def from_tallies(tallies: Iterable[Tally]) -> list[Value]:
    found: list[Value] = []
    for t in tallies:
        for field, zh, count in (
            ("found", "发现", t.found),
            ("rectified", "已整改", t.rectified),
            ("in_progress", "正在整改", t.in_progress),
        ):
            if count is None:
                continue
            key = f"rectification:{t.campaign.code}:{t.item.value}:{field}"
            found.append(
                Value(
                    region_code=t.region_code,
                    # a tally counts what stood at its date: it belongs to that year
                    year=t.as_of.year,
                    key=key,
                    subject=key,
                    subject_zh=f"{t.campaign.name_zh} {ITEM_NAMES_ZH[t.item]}{zh}",
                    kind=None,
                    unit_zh=TALLY_UNITS_ZH[t.item],
                    value=Decimal(count),
                    interval=Interval.point(Decimal(count)),
                    source=t.source,
                )
            )
    return found
