"""Importer of the Jincheng city completion report (晋市保办字〔2025〕1号 on 2024, its like
in other years, or a corrected reissue), annexes 1–6, for the year its title names.

Nothing here names a year: the report's year comes from its title, the cohort of
continuing projects from annex 2's title, the audits from annex 6's header, and the
overdue-resettlement campaign is the report year's.
"""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from service.ingest.collect import Collector
from service.ingest.errors import SeedImportError
from service.ingest.preamble import check_annexes, read_preamble, title_year
from service.ingest.records import (
    BondIssue,
    Campaign,
    DocumentInfo,
    FlowDirection,
    FundAccount,
    FundFlow,
    LoanFacility,
    RectificationTally,
    SeedData,
    TallyItem,
)
from service.ingest.regions import RegionDirectory, resolve_rows
from service.ingest.tables import Annex, Column, Number, Row, SourceText, squeeze

NUMBER = "晋市保办字〔2025〕1号"
NUMBER_PATTERN = re.compile(r"晋市保办字〔\d{4}〕\d+号")
REGION = "140500"

TITLES = {
    1: "任务完成情况",
    2: "未建成项目建成情况",
    3: "逾期未回迁安置",
    4: "补助资金收支情况",
    5: "棚改专项贷款",
    6: "审计发现问题",
}


def _n(label: str) -> Column:
    return Column(label)


def _pct(label: str) -> Column:
    return Column(label, kind="percent")


# Annex 1 (targets, achieved, rate) and annex 2 (cohort of projects started by 2020 and
# unfinished by 2023: unfinished, finished, rate), by column-group label.
INDICATORS = {
    "基本建成": "SHANTYTOWN:BASIC_COMPLETION:SET",
    "竣工": "SHANTYTOWN:COMPLETION:SET",
    "投资": "INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN",
    "租赁补贴": "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD",
}
# The cohort's indicators, completed by the cohort annex 2's title names.
COHORT_INDICATORS = {
    "合计": "SECURED_HOUSING:BASIC_COMPLETION:SET",
    "棚改安置住房": "SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION:SET",
    "公共租赁住房": "PUBLIC_RENTAL:BASIC_COMPLETION:SET",
    "经济适用住房": "ECONOMIC_HOUSING:BASIC_COMPLETION:SET",
}
COHORT_TITLE = re.compile(r"(\d{4})年底前开工(\d{4})年底前未建成")
TASKS = (
    ("基本建成", "任务量", "建成量", "完成率"),
    ("竣工", "任务量", "竣工量", "完成率"),
    ("投资", "任务量", "投资额", "完成率"),
    ("租赁补贴", "任务量", "发放量", "完成率"),
)
COHORT = tuple(
    (label, "开工未建成量", "建成量", "建成率")
    for label in ("合计", "棚改安置住房", "公共租赁住房", "经济适用住房")
)
# Annex 3 by data position; its header rows are shifted against the data and the
# last column is always empty. The campaign is the report year's (OVERDUE_RESETTLEMENT_2024).
OVERDUE_PREFIX = "OVERDUE_RESETTLEMENT_"
OVERDUE_NAME = "棚改居民逾期未回迁安置问题整改专项行动"
OVERDUE_COLUMNS = (
    _n("逾期情况/项目数"),
    _n("逾期情况/户数"),
    _n("已整改进展/项目数"),
    _n("已整改进展/户数"),
    _pct("已整改进展/整改率"),
    _n("欠发过渡安置费/户数"),
    _n("欠发过渡安置费/已整改户数"),
    _pct("欠发过渡安置费/整改率"),
    Column("（空列）", kind="blank"),
)


# Annex 4 by data position (the second header row is shifted one column left).
def _fund_columns(year: int) -> tuple[Column, ...]:
    return (
        _n("截至上年末结余"),
        _n("已统计支付后调整收回"),
        _n(f"{year}年收入/合计"),
        _n(f"{year}年收入/租赁补贴"),
        _n(f"{year}年收入/棚户区改造"),
        _n(f"{year}年支出/合计"),
        _n(f"{year}年支出/公共租赁住房"),
        _n(f"{year}年支出/城镇住房保障家庭租赁补贴"),
        _n(f"{year}年支出/棚户区改造"),
        _n("截至目前结余"),
        _pct("支出率"),
    )


FUND_FLOWS: tuple[tuple[int, FlowDirection, str], ...] = (
    (3, "INCOME", "RENT_SUBSIDY"),
    (4, "INCOME", "SHANTYTOWN"),
    (6, "EXPENDITURE", "PUBLIC_RENTAL"),
    (7, "EXPENDITURE", "RENT_SUBSIDY"),
    (8, "EXPENDITURE", "SHANTYTOWN"),
)
FUND_STATED = ((2, "fund-income"), (5, "fund-expenditure"), (9, "fund-closing"), (10, "fund-rate"))


# Annex 5 by data position: the header names no total columns.
def _loan_columns(year: int) -> tuple[Column, ...]:
    return (
        _n("有效授信金额/合计"),
        _n("有效授信金额/国开行"),
        _n("有效授信金额/农发行"),
        _n("累计发放金额/合计"),
        _n("累计发放金额/国开行"),
        _n("累计发放金额/农发行"),
        _pct("贷款发放率"),
        _n(f"{year}年发放金额/合计"),
        _n(f"{year}年发放金额/国开行"),
        _n(f"{year}年发放金额/农发行"),
        _n("棚改专项债券发行情况"),
    )


LENDERS = (("CDB", 1, 4, 8), ("ADBC", 2, 5, 9))  # credit, cumulative, in-year positions
LOAN_STATED = (
    (0, "loan-credit-total"),
    (3, "loan-disbursed-total"),
    (6, "loan-rate"),
    (7, "loan-disbursed-in-year-total"),
)
# Annex 6: one group of columns per audit, named by its year in the header.
AUDIT_HEADER = re.compile(r"(\d{4})年审计发现问题整改情况")
AUDIT_NAME = "{year}年城镇保障性安居工程审计"


def _whole(row: Row, column: Column, number: Number | None) -> int | None:
    if number is None:
        return None
    if number.value != number.value.to_integral_value():
        raise row.error(f"expected a whole number, found {number.value}", column.label)
    return int(number.value)


def _tally(
    out: Collector,
    row: Row,
    region: str,
    campaign: str,
    item: TallyItem,
    cells: list[tuple[Column, Number | None]],
    in_progress: bool,
) -> bool:
    """One tally from (found, rectified[, in progress]); all blank = none. True if added."""
    counts = [_whole(row, column, number) for column, number in cells]
    if all(count is None for count in counts):
        return False
    missing = [
        column.label for (column, _), count in zip(cells, counts, strict=True) if count is None
    ]
    if missing:
        raise row.error("incomplete tally: blank cell", missing[0])
    found, rectified = counts[0], counts[1]
    assert found is not None and rectified is not None
    if rectified > found:
        raise row.error(f"rectified {rectified} exceeds found {found}", cells[1][0].label)
    out.rectification_tallies.append(
        RectificationTally(
            annex=row.annex,
            line=row.line,
            region_code=region,
            campaign=campaign,
            item=item,
            found=found,
            rectified=rectified,
            in_progress=counts[2] if in_progress else None,
            as_of=date(out.year, 12, 31),  # the report is as of the year's end
        )
    )
    return True


def _triples(
    out: Collector,
    rows: list[tuple[Row, str]],
    specs: tuple[tuple[str, str, str, str], ...],
    indicators: list[str],
) -> None:
    """Columns in threes: target, actual, stated rate, one three per indicator."""
    columns: list[Column] = []
    for prefix, target_label, actual_label, rate_label in specs:
        columns += [
            _n(f"{prefix}/{target_label}"),
            _n(f"{prefix}/{actual_label}"),
            _pct(f"{prefix}/{rate_label}"),
        ]
    for row, region in rows:
        numbers = row.numbers(columns)
        for i, indicator in enumerate(indicators):
            target, actual, rate = numbers[3 * i : 3 * i + 3]
            out.figure(row, columns[3 * i].label, region, indicator, "TARGET", target)
            out.figure(row, columns[3 * i + 1].label, region, indicator, "ACTUAL", actual)
            out.stated(row, columns[3 * i + 2].label, region, f"figure-rate:{indicator}", rate)


def _tasks(out: Collector, annex: Annex, rows: list[tuple[Row, str]]) -> None:
    _triples(out, rows, TASKS, [INDICATORS[prefix] for prefix, *_ in TASKS])


def _cohort(out: Collector, annex: Annex, rows: list[tuple[Row, str]]) -> None:
    """The cohort (2020年底前开工2023年底前未建成 → COHORT_2020_2023) is the title's: next
    year's report follows the projects of its own cohort."""
    found = COHORT_TITLE.search(squeeze(annex.title))
    if found is None:
        raise SeedImportError(
            f"title '{annex.title}' names no cohort ({COHORT_TITLE.pattern})",
            annex=annex.number,
            line=annex.line,
        )
    cohort = f"COHORT_{found[1]}_{found[2]}"
    indicators = [f"{COHORT_INDICATORS[prefix]}:{cohort}" for prefix, *_ in COHORT]
    _triples(out, rows, COHORT, indicators)


def _overdue(out: Collector, annex: Annex, rows: list[tuple[Row, str]]) -> None:
    c = OVERDUE_COLUMNS
    campaign = f"{OVERDUE_PREFIX}{out.year}"
    out.campaign(Campaign(campaign, OVERDUE_NAME, "CAMPAIGN", out.year))
    for row, region in rows:
        n = row.numbers(c)
        items: tuple[tuple[TallyItem, int, int, int], ...] = (
            ("PROJECTS", 0, 2, 4),
            ("HOUSEHOLDS", 1, 3, 4),  # one 整改率 column covers projects and households
            ("UNPAID_FEE_HOUSEHOLDS", 5, 6, 7),
        )
        for item, found, rectified, rate in items:
            cells = [(c[found], n[found]), (c[rectified], n[rectified])]
            if _tally(out, row, region, campaign, item, cells, in_progress=False):
                subject = f"rectification-rate:{campaign}:{item}"
                out.stated(row, c[rate].label, region, subject, n[rate])
            elif n[rate] is not None:
                raise row.error("rate without counts", c[rate].label)


def _amount(number: Number | None) -> Decimal | None:
    return None if number is None else number.value


def _funds(out: Collector, annex: Annex, rows: list[tuple[Row, str]]) -> None:
    columns = _fund_columns(out.year)
    for row, region in rows:
        n = row.numbers(columns)
        flows = tuple(
            FundFlow(direction, category, number.value)
            for index, direction, category in FUND_FLOWS
            if (number := n[index]) is not None
        )
        out.fund_accounts.append(
            FundAccount(
                annex=row.annex,
                line=row.line,
                region_code=region,
                year=out.year,
                source="CENTRAL",
                opening_balance=_amount(n[0]),
                adjustment=_amount(n[1]),
                flows=flows,
            )
        )
        for index, subject in FUND_STATED:
            out.stated(row, columns[index].label, region, f"{subject}:CENTRAL", n[index])


def _loans(out: Collector, annex: Annex, rows: list[tuple[Row, str]]) -> None:
    columns = _loan_columns(out.year)
    for row, region in rows:
        n = row.numbers(columns)
        for lender, credit, cumulative, in_year in LENDERS:
            if n[credit] is None and n[cumulative] is None and n[in_year] is None:
                continue
            out.loan_facilities.append(
                LoanFacility(
                    annex=row.annex,
                    line=row.line,
                    region_code=region,
                    year=out.year,
                    lender=lender,
                    credit_line=_amount(n[credit]),
                    disbursed_cumulative=_amount(n[cumulative]),
                    disbursed_in_year=_amount(n[in_year]),
                )
            )
        for index, subject in LOAN_STATED:
            out.stated(row, columns[index].label, region, subject, n[index])
        if (bond := n[10]) is not None:
            out.bond_issues.append(BondIssue(row.annex, row.line, region, out.year, bond.value))


def _audits(out: Collector, annex: Annex, rows: list[tuple[Row, str]]) -> None:
    """One group of four columns per audit the header names, in the header's order."""
    years = list(dict.fromkeys(m[1] for cell in annex.header if (m := AUDIT_HEADER.search(cell))))
    if not years:
        raise SeedImportError(
            f"the header names no audit ({AUDIT_HEADER.pattern})",
            annex=annex.number,
            line=annex.line,
        )
    audits = [f"AUDIT_{year}" for year in years]
    for year, code in zip(years, audits, strict=True):
        out.campaign(Campaign(code, AUDIT_NAME.format(year=year), "AUDIT", int(year)))
    columns = []
    for year in years:
        columns += [
            _n(f"{year}年/问题数量"),
            _n(f"{year}年/已整改"),
            _n(f"{year}年/正在整改"),
            _pct(f"{year}年/整改比例"),
        ]
    for row, region in rows:
        n = row.numbers(columns)
        for i, campaign in enumerate(audits):
            cells = [(columns[4 * i + k], n[4 * i + k]) for k in range(3)]
            rate_column, rate = columns[4 * i + 3], n[4 * i + 3]
            if _tally(out, row, region, campaign, "FINDINGS", cells, in_progress=True):
                subject = f"rectification-rate:{campaign}:FINDINGS"
                out.stated(row, rate_column.label, region, subject, rate)
            elif rate is not None:
                raise row.error("rate without counts", rate_column.label)


# The sentence giving the provincial subsidy: granted, then spent by the year's end.
PROVINCIAL = re.compile(r"省级财政补助资金([\d.]+)万元，截至\d{4}年底全市支出([\d.]+)万元")


def _provincial_subsidy(out: Collector, source: SourceText) -> None:
    """The provincial subsidy is given only in prose; its account has no annex.

    Its stated rate (96.8%) is not kept: stated values need an annex.
    """
    found = next(
        ((line, m) for line, text in source.prose if (m := PROVINCIAL.search(squeeze(text)))),
        None,
    )
    if found is None:
        raise SeedImportError(f"prose sentence not found: {PROVINCIAL.pattern}")
    line, amounts = found
    income, spent = Decimal(amounts[1]), Decimal(amounts[2])
    out.fund_accounts.append(
        FundAccount(
            annex=None,
            line=line,
            region_code=REGION,
            year=out.year,
            source="PROVINCIAL",
            opening_balance=None,
            adjustment=None,
            flows=(
                FundFlow("INCOME", "SECURED_HOUSING", income),
                FundFlow("EXPENDITURE", "SECURED_HOUSING", spent),
            ),
        )
    )


HANDLERS: dict[int, Callable[[Collector, Annex, list[tuple[Row, str]]], None]] = {
    1: _tasks,
    2: _cohort,
    3: _overdue,
    4: _funds,
    5: _loans,
    6: _audits,
}


def parse(
    source: SourceText, directory: RegionDirectory, document_number: str = NUMBER
) -> SeedData:
    preamble = read_preamble(source.prose, document_number)
    annexes = check_annexes(source, TITLES)
    out = Collector(title_year(preamble))
    for number, handle in HANDLERS.items():
        annex = source.annex(number)
        handle(out, annex, resolve_rows(directory, REGION, annex.name_label, annex.rows))
    _provincial_subsidy(out, source)
    document = DocumentInfo(
        number=preamble.number,
        issuer=preamble.issuer,
        title=preamble.title,
        issued_on=preamble.issued_on,
        region_code=REGION,
        annexes=annexes,
    )
    return out.seed_data(document)
