"""Rate-bearing measures: one notion for every number that is a part of a whole.

A measure is an achieved part over a base, per region and year, named by a code:

| code | value | base |
|---|---|---|
| `figure:<indicator>` | the ACTUAL | the TARGET |
| `fund:<source>:expenditure-rate` | expenditure | funds available |
| `loan:<lender>:disbursement-rate`, `loan:total:disbursement-rate` | disbursed | credit line |
| `rectification:<campaign>:<item>:rate` | rectified | found |

A campaign counts several items (projects, households, households owed fees), each
with its own rate, so the item is part of a rectification measure's code. Every
measure ranks, lags and shows on a scorecard the same way.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import asyncpg

from service.catalogue import service as catalogue
from service.catalogue.schemas import UNIT_NAMES_ZH, Unit
from service.config import Settings
from service.figures.schemas import Source
from service.funds import service as funds
from service.funds.schemas import SOURCE_NAMES_ZH, FundFilter, FundSource
from service.kit.db import Session
from service.kit.errors import InvalidInput
from service.loans import service as loans
from service.loans import store as loan_store
from service.loans.errors import LenderNotFound
from service.loans.schemas import LoanFilter
from service.oversight import store
from service.oversight.compare import plain
from service.oversight.schemas import MeasureFamily, MeasureInfo
from service.oversight.values import TALLY_UNITS_ZH
from service.rectification import service as rectification
from service.rectification.schemas import ITEM_NAMES_ZH, CampaignKind, TallyFilter, TallyItem

TOTAL = "total"  # the loan measure over every lender
_SUFFIX = {
    MeasureFamily.FUND: "expenditure-rate",
    MeasureFamily.LOAN: "disbursement-rate",
    MeasureFamily.RECTIFICATION: "rate",
}
# what each kind of campaign counts (an audit its findings; a campaign what it settled)
_ITEMS = {
    CampaignKind.AUDIT: (TallyItem.FINDINGS,),
    CampaignKind.CAMPAIGN: (
        TallyItem.PROJECTS,
        TallyItem.HOUSEHOLDS,
        TallyItem.UNPAID_FEE_HOUSEHOLDS,
    ),
}
_FAMILY_NAMES = {
    MeasureFamily.FIGURE: ("完成量", "任务量"),
    MeasureFamily.FUND: ("支出", "可支出资金"),
    MeasureFamily.LOAN: ("累计发放", "有效授信"),
    MeasureFamily.RECTIFICATION: ("已整改", "发现问题"),
}


@dataclass(frozen=True)
class MeasureCode:
    family: MeasureFamily
    key: str  # the indicator, fund source, lender (or total), or campaign:item

    @classmethod
    def parse(cls, code: str) -> "MeasureCode":
        head, _, rest = code.partition(":")
        family = next((f for f in MeasureFamily if f.value.lower() == head), None)
        if family is MeasureFamily.FIGURE and rest:
            return cls(family, rest)
        if family is not None and family is not MeasureFamily.FIGURE:
            key, _, suffix = rest.rpartition(":")
            parts = key.count(":") + 1 if key else 0
            if suffix == _SUFFIX[family] and parts == (
                2 if family is MeasureFamily.RECTIFICATION else 1
            ):
                return cls(family, key)
        raise InvalidInput(
            "measure",
            f"{code!r} is no measure: figure:<indicator>, fund:<source>:expenditure-rate,"
            " loan:<lender|total>:disbursement-rate or rectification:<campaign>:<item>:rate"
            " (GET /api/v1/measures lists them)",
        )

    def __str__(self) -> str:
        head = self.family.value.lower()
        if self.family is MeasureFamily.FIGURE:
            return f"{head}:{self.key}"
        return f"{head}:{self.key}:{_SUFFIX[self.family]}"


@dataclass
class Reading:
    """One region's measure in one year: the achieved part over the base."""

    region_code: str
    code: str
    value: Decimal | None  # None: nothing reported (counts as 0 against a base)
    base: Decimal | None  # None or 0: nothing to achieve, so no rate and no rank
    value_sources: list[Source] = field(default_factory=list)
    base_sources: list[Source] = field(default_factory=list)
    # figures: the indicator's programme and phase, which a plan's milestones name
    programme: str | None = None
    phase: str | None = None


def laggard_below(settings: Settings, family: MeasureFamily) -> Decimal:
    return {
        MeasureFamily.FIGURE: settings.laggard_below_completion,
        MeasureFamily.FUND: settings.laggard_below_expenditure,
        MeasureFamily.LOAN: settings.laggard_below_disbursement,
        MeasureFamily.RECTIFICATION: settings.laggard_below_rectification,
    }[family]


async def catalogue_of(db: Session, settings: Settings) -> list[MeasureInfo]:
    """Every measure a region can have, in one statement: for discovery."""
    found: list[MeasureInfo] = []

    def add(code: MeasureCode, name_zh: str, unit_zh: str) -> None:
        value_zh, base_zh = _FAMILY_NAMES[code.family]
        found.append(
            MeasureInfo(
                code=str(code),
                family=code.family,
                name_zh=name_zh,
                unit_zh=unit_zh,
                value_zh=value_zh,
                base_zh=base_zh,
                laggard_below=laggard_below(settings, code.family),
            )
        )

    rows = await store.measure_catalogue(db)
    for r in rows:
        if r["family"] == MeasureFamily.FIGURE:
            add(MeasureCode(MeasureFamily.FIGURE, r["code"]), r["name_zh"], _unit(r["unit"]))
    for source in FundSource:
        add(MeasureCode(MeasureFamily.FUND, source.value), SOURCE_NAMES_ZH[source], "万元")
    add(MeasureCode(MeasureFamily.LOAN, TOTAL), "棚改专项贷款（合计）", "亿元")
    for r in rows:
        if r["family"] == MeasureFamily.LOAN:
            add(
                MeasureCode(MeasureFamily.LOAN, r["code"]),
                f"棚改专项贷款（{r['name_zh']}）",
                "亿元",
            )
    for r in rows:
        if r["family"] == MeasureFamily.RECTIFICATION:
            for item in _ITEMS[CampaignKind(r["kind"])]:
                code = MeasureCode(MeasureFamily.RECTIFICATION, f"{r['code']}:{item.value}")
                add(code, f"{r['name_zh']} {ITEM_NAMES_ZH[item]}", TALLY_UNITS_ZH[item])
    return found


def _unit(unit: str) -> str:
    return UNIT_NAMES_ZH[Unit(unit)]


async def validate(db: Session, code: MeasureCode) -> None:
    """404 for an indicator, lender or campaign that does not exist; 422 for a bad source."""
    if code.family is MeasureFamily.FIGURE:
        await catalogue.indicator(db, code.key)
    elif code.family is MeasureFamily.FUND and code.key not in FundSource.__members__:
        raise InvalidInput("measure", f"no fund source {code.key!r}: CENTRAL or PROVINCIAL")
    elif code.family is MeasureFamily.LOAN and code.key != TOTAL:
        if not await loan_store.lender_exists(db, code.key):
            raise LenderNotFound(code.key)
    elif code.family is MeasureFamily.RECTIFICATION:
        campaign, _, item = code.key.partition(":")
        if item not in TallyItem.__members__:
            raise InvalidInput("measure", f"no rectification item {item!r}")
        await rectification.validate(db, TallyFilter(campaign=campaign))


async def read(
    db: Session, codes: list[str], year: int, only: MeasureCode | None = None
) -> dict[str, dict[str, Reading]]:
    """measure code → region → reading, for the regions and year: every family (or only
    the one measure asked for), a fixed number of statements whatever the regions."""
    found: dict[str, dict[str, Reading]] = defaultdict(dict)

    def keep(reading: Reading) -> None:
        if only is None or reading.code == str(only):
            found[reading.code][reading.region_code] = reading

    def keep_rate(
        region_code: str,
        family: MeasureFamily,
        key: str,
        value: Decimal | None,
        base: Decimal | None,
        sources: list[Source],
    ) -> None:
        """A reading whose part and base come from the same rows."""
        code = str(MeasureCode(family, key))
        keep(Reading(region_code, code, value, base, sources, sources))

    family = only.family if only else None
    if family in (None, MeasureFamily.FIGURE):
        indicator = only.key if only else None
        for reading in figure_readings(await store.figure_parts(db, codes, year, year, indicator)):
            keep(reading)
    if family in (None, MeasureFamily.FUND):
        source = FundSource(only.key) if only else None
        accounts = await funds.for_regions(db, codes, FundFilter(year=year, source=source))
        for account in (a for group in accounts.values() for a in group):
            keep_rate(
                account.region_code,
                MeasureFamily.FUND,
                account.source.value,
                account.expenditure_total,
                account.available,
                [account.provenance],
            )
    if family in (None, MeasureFamily.LOAN):
        for summary in (await loans.loans_of(db, codes, LoanFilter(year=year))).values():
            sources = [f.source for f in summary.facilities]
            keep_rate(
                summary.region_code,
                MeasureFamily.LOAN,
                TOTAL,
                summary.disbursed_total,
                summary.credit_total,
                sources,
            )
            for f in summary.facilities:
                keep_rate(
                    summary.region_code,
                    MeasureFamily.LOAN,
                    f.lender.code,
                    f.disbursed_cumulative,
                    f.credit_line,
                    [f.source],
                )
    if family in (None, MeasureFamily.RECTIFICATION):
        campaign = only.key.partition(":")[0] if only else None
        tallies = await rectification.tallies_of(db, codes, TallyFilter(campaign=campaign))
        for tally in (t for group in tallies.values() for t in group):
            if tally.as_of.year != year:  # a tally counts what stood at its date
                continue
            keep_rate(
                tally.region_code,
                MeasureFamily.RECTIFICATION,
                f"{tally.campaign.code}:{tally.item.value}",
                Decimal(tally.rectified),
                Decimal(tally.found),
                [tally.source],
            )
    return found


def figure_readings(rows: list[asyncpg.Record]) -> list[Reading]:
    """Target and actual rows of one year (store.figure_parts) as one reading per region
    and indicator."""
    by_key: dict[tuple[str, str], Reading] = {}
    for r in rows:
        key = (r["region_code"], r["indicator"])
        reading = by_key.get(key)
        if reading is None:
            reading = by_key[key] = Reading(
                region_code=r["region_code"],
                code=str(MeasureCode(MeasureFamily.FIGURE, r["indicator"])),
                value=None,
                base=None,
                programme=r["programme_code"],
                phase=r["phase"],
            )
        source = figure_source(r)
        if r["kind"] == "TARGET":
            reading.base, reading.base_sources = plain(r["value"]), [source]
        else:
            reading.value, reading.value_sources = plain(r["value"]), [source]
    return list(by_key.values())


def figure_source(row: asyncpg.Record) -> Source:
    return Source(
        document_number=row["document_number"],
        annex=row["annex"],
        line=row["source_line"],
        principal=row["source_principal"],
    )
