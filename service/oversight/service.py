"""The consistency report: parents vs children, totals vs parts, stated vs derived.

Computed on demand from what the tables hold now; nothing is stored. A blank cell is
no figure, so a child without the value is absent from the sum, and a comparison is
made only when the parent (or total) has the value and at least one child (or part)
has it too. Statistical zones (中心城区, 市本级 …) are children like any division.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import asyncpg

from service.documents import service as documents
from service.figures.schemas import Source
from service.funds import service as funds
from service.funds.schemas import (
    SOURCE_NAMES_ZH,
    FlowDirection,
    FundAccount,
    FundFilter,
    FundSource,
)
from service.kit.db import Session
from service.kit.decimals import round_to
from service.kit.years import check_year
from service.loans import service as loans
from service.loans.schemas import LoanFilter, RegionLoans
from service.oversight import store
from service.oversight.compare import judge_stated, judge_sum, ratio_percent, tolerance
from service.oversight.intervals import Interval, half_unit
from service.oversight.intervals import ratio_percent as ratio_interval
from service.oversight.intervals import total as total_interval
from service.oversight.schemas import (
    ConsistencyCheck,
    ConsistencyFilter,
    ConsistencyFinding,
    ConsistencyReport,
    ConsistencySummary,
    FindingPart,
    FindingStatus,
)
from service.oversight.values import (
    WAN_YUAN,
    YI_YUAN,
    Places,
    Value,
    from_bonds,
    from_figures,
    from_funds,
    from_loans,
    from_tallies,
)
from service.rectification import service as rectification
from service.rectification.schemas import Tally, TallyFilter
from service.regions import service as regions

RATE_PLACES = 4  # derived rates are shown to four places, like everywhere else


@dataclass
class Tree:
    names: dict[str, str]
    children: dict[str, list[str]]

    @classmethod
    async def load(cls, db: Session) -> "Tree":
        rows = await store.regions(db)
        children: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            if r["parent_code"] is not None:
                children[r["parent_code"]].append(r["code"])
        return cls({r["code"]: r["name"] for r in rows}, dict(children))

    def subtree(self, root: str) -> list[str]:
        codes, stack = [], [root]
        while stack:
            code = stack.pop()
            codes.append(code)
            stack.extend(self.children.get(code, []))
        return sorted(codes)


@dataclass
class Checker:
    """Collects findings; `checked` counts every comparison made, found or not."""

    tree: Tree
    document: str | None = None  # keep only findings involving a value of this document
    findings: list[ConsistencyFinding] = field(default_factory=list)
    checked: int = 0

    def wanted(self, *sources: Source) -> bool:
        return self.document is None or any(s.document_number == self.document for s in sources)

    def part(self, m: Value, label: str | None = None) -> FindingPart:
        name = self.tree.names[m.region_code]
        return FindingPart(
            region_code=m.region_code, region_name=name, label=label or name, value=m.value
        )

    def sums(
        self, check: ConsistencyCheck, total: Value, parts: list[Value], children: int | None
    ) -> None:
        self.checked += 1
        computed = sum((p.value for p in parts), Decimal(0))
        if computed == total.value or not self.wanted(total.source, *(p.source for p in parts)):
            return
        interval = total_interval([p.interval for p in parts])
        status = judge_sum(total.interval, interval)
        own = total.interval.half_width_from(total.value)
        assert own is not None  # a published value is bounded
        difference = computed - total.value
        name = self.tree.names[total.region_code]
        if check is ConsistencyCheck.PARENT_CHILDREN:
            note = (
                f"{len(parts)} of {children} children of {name} have the value; their sum"
                f" {computed} differs from {name}'s {total.value} by {difference:+}"
            )
        else:
            note = f"the {len(parts)} parts sum to {computed}, the total is {total.value}"
        self.findings.append(
            ConsistencyFinding(
                check=check,
                status=status,
                region_code=total.region_code,
                region_name=name,
                year=total.year,
                subject=total.subject,
                subject_zh=total.subject_zh,
                kind=total.kind,
                unit_zh=total.unit_zh,
                value=total.value,
                computed=computed,
                difference=difference,
                tolerance=tolerance(own, interval, computed),
                low=interval.low,
                high=interval.high,
                parts=[self.part(p, p.part_label) for p in parts],
                children_reported=len(parts) if children is not None else None,
                children_total=children,
                source=total.source,
                note=note + ("" if status is FindingStatus.MISMATCH else " (within rounding)"),
            )
        )


def _validate(flt: ConsistencyFilter) -> None:
    if flt.year is not None:
        check_year(flt.year)


async def report(db: Session, flt: ConsistencyFilter) -> ConsistencyReport:
    _validate(flt)
    tree = await Tree.load(db)
    codes = (
        tree.subtree((await regions.get(db, flt.region)).code) if flt.region else sorted(tree.names)
    )
    number = (await documents.get(db, flt.document)).number if flt.document is not None else None

    figure_rows = await store.figures(db, codes, flt.year)
    accounts = [
        a
        for group in (await funds.for_regions(db, codes, FundFilter(year=flt.year))).values()
        for a in group
    ]
    loan_summaries = list((await loans.loans_of(db, codes, LoanFilter(year=flt.year))).values())
    bonds = list((await loans.bonds_of(db, codes, LoanFilter(year=flt.year))).values())
    tallies = [
        t
        for group in (await rectification.tallies_of(db, codes, TallyFilter())).values()
        for t in group
    ]
    published: Places = {
        (r["region_code"], r["year"], r["key"]): r["places"]
        for r in await store.published_places(db, codes, flt.year)
    }
    held = [
        *from_figures(figure_rows),
        *from_funds(accounts, published),
        *from_loans(loan_summaries, published),
        *from_bonds(bonds, published),
        *from_tallies(tallies),
    ]
    if flt.year is not None:
        held = [m for m in held if m.year == flt.year]

    checker = Checker(tree, number)
    _parents_and_children(checker, held)
    _totals_and_parts(checker, held)
    derive = _Derivations(held, accounts, loan_summaries, tallies)
    for row in await store.stated_values(db, codes):
        if flt.year is None or row["year"] == flt.year:
            _stated(checker, row, derive)

    findings = checker.findings
    findings.sort(
        key=lambda f: (
            list(ConsistencyCheck).index(f.check),
            f.region_code,
            f.year or 0,
            f.subject,
            f.kind or "",
        )
    )
    return ConsistencyReport(
        filter=flt,
        summary=ConsistencySummary(
            checked=checker.checked,
            mismatches=sum(f.status is FindingStatus.MISMATCH for f in findings),
            rounding_differences=sum(f.status is FindingStatus.ROUNDING for f in findings),
            not_derivable=sum(f.status is FindingStatus.NOT_DERIVABLE for f in findings),
        ),
        findings=findings,
    )


def _parents_and_children(checker: Checker, held: Iterable[Value]) -> None:
    by_key: dict[tuple[int | None, str], dict[str, Value]] = defaultdict(dict)
    for m in held:
        by_key[(m.year, m.key)][m.region_code] = m
    for by_region in by_key.values():
        for code, parent in by_region.items():
            children = checker.tree.children.get(code, [])
            reported = [by_region[c] for c in children if c in by_region]
            if reported:
                checker.sums(ConsistencyCheck.PARENT_CHILDREN, parent, reported, len(children))


def _totals_and_parts(checker: Checker, held: list[Value]) -> None:
    """A total (breakdown null) vs its breakdown parts of the same programme, phase, unit."""
    totals = {(m.region_code, m.year, m.key): m for m in held}
    parts: dict[tuple[str, int | None, str], list[Value]] = defaultdict(list)
    for m in held:
        if m.total_key is not None:
            parts[(m.region_code, m.year, m.total_key)].append(m)
    for key, group in parts.items():
        if (total := totals.get(key)) is not None:
            checker.sums(ConsistencyCheck.TOTAL_PARTS, total, group, None)


@dataclass
class Derived:
    """The service's own value for a stated subject (None: a part is missing)."""

    value: Decimal | None
    subject_zh: str
    unit_zh: str | None
    interval: Interval | None = None  # what the inputs' published places allow
    check: ConsistencyCheck = ConsistencyCheck.STATED_VALUE
    parts: list[FindingPart] = field(default_factory=list)


class _Derivations:
    """The service's derivation of every stated subject, by region and year, with the
    interval its inputs' published places allow."""

    def __init__(
        self,
        held: list[Value],
        accounts: list[FundAccount],
        summaries: list[RegionLoans],
        tallies: list[Tally],
    ) -> None:
        self.figures = {(m.region_code, m.year, m.key): m for m in held}
        self.names = {m.subject: m.subject_name for m in held}
        self.accounts: dict[tuple[str, int | None, str], FundAccount] = {
            (a.region_code, a.year, a.source.value): a for a in accounts
        }
        self.loans: dict[tuple[str, int | None], RegionLoans] = {
            (s.region_code, s.year): s for s in summaries
        }
        self.tallies = {(t.region_code, t.campaign.code, t.item.value): t for t in tallies}

    def __call__(self, subject: str, region: str, year: int | None) -> Derived | None:
        head = subject.partition(":")[0]
        rules: dict[str, Callable[[str, str, int | None], Derived | None]] = {
            "figure-rate": self._figure_rate,
            "fund-closing": self._fund,
            "fund-rate": self._fund,
            "fund-income": self._fund,
            "fund-expenditure": self._fund,
            "loan-rate": self._loan,
            "loan-credit-total": self._loan,
            "loan-disbursed-total": self._loan,
            "loan-disbursed-in-year-total": self._loan,
            "rectification-rate": self._rectification_rate,
        }
        rule = rules.get(head)
        return rule(subject, region, year) if rule else None

    def _interval(self, region: str, year: int | None, key: str) -> Interval:
        """A held value's interval; an absent one (a blank cell) adds nothing."""
        value = self.figures.get((region, year, key))
        return value.interval if value else Interval.point(Decimal(0))

    def _figure_rate(self, subject: str, region: str, year: int | None) -> Derived:
        indicator = subject.partition(":")[2]
        target = self.figures.get((region, year, f"{indicator}|TARGET"))
        actual = self.figures.get((region, year, f"{indicator}|ACTUAL"))
        name = f"{self.names.get(indicator, indicator)}完成率"
        if target is None or actual is None or target.value == 0:
            return Derived(None, name, "%")
        return Derived(
            ratio_percent(actual.value, target.value),
            name,
            "%",
            ratio_interval(actual.interval, target.interval),
        )

    def _flows(self, account: FundAccount, direction: FlowDirection) -> Interval:
        prefix = f"fund:{account.source.value}:{direction.value}:"
        return total_interval(
            [
                self._interval(account.region_code, account.year, prefix + f.category)
                for f in account.flows
                if f.direction is direction
            ]
        )

    def _available(self, account: FundAccount) -> Interval:
        """Opening balance + adjustment + income, as FundAccount.available."""
        prefix = f"fund:{account.source.value}:"
        return (
            self._interval(account.region_code, account.year, prefix + "opening_balance")
            + self._interval(account.region_code, account.year, prefix + "adjustment")
            + self._flows(account, FlowDirection.INCOME)
        )

    def _fund(self, subject: str, region: str, year: int | None) -> Derived | None:
        head, _, source = subject.partition(":")
        if source not in FundSource.__members__:
            return None
        account = self.accounts.get((region, year, source))
        name = SOURCE_NAMES_ZH[FundSource(source)]
        if head == "fund-closing":
            if account is None:
                return Derived(None, f"{name}结余", WAN_YUAN)
            spent = self._flows(account, FlowDirection.EXPENDITURE)
            return Derived(
                account.closing_balance, f"{name}结余", WAN_YUAN, self._available(account) - spent
            )
        if head == "fund-rate":
            if account is None or account.available == 0:
                return Derived(None, f"{name}支出率", "%")
            return Derived(
                ratio_percent(account.expenditure_total, account.available),
                f"{name}支出率",
                "%",
                ratio_interval(
                    self._flows(account, FlowDirection.EXPENDITURE), self._available(account)
                ),
            )
        direction = FlowDirection.INCOME if head == "fund-income" else FlowDirection.EXPENDITURE
        flows = [f for f in account.flows if f.direction is direction] if account else []
        parts = [
            FindingPart(region_code=region, region_name="", label=f.category_zh, value=f.amount)
            for f in flows
        ]
        zh = f"{name}{'收入合计' if direction is FlowDirection.INCOME else '支出合计'}"
        if account is None:
            return Derived(None, zh, WAN_YUAN, check=ConsistencyCheck.TOTAL_PARTS)
        return Derived(
            sum((f.amount for f in flows), Decimal(0)),
            zh,
            WAN_YUAN,
            self._flows(account, direction),
            ConsistencyCheck.TOTAL_PARTS,
            parts,
        )

    def _lenders(self, summary: RegionLoans, field_name: str) -> Interval:
        return total_interval(
            [
                self._interval(
                    summary.region_code, summary.year, f"loan:{f.lender.code}:{field_name}"
                )
                for f in summary.facilities
            ]
        )

    def _loan(self, subject: str, region: str, year: int | None) -> Derived:
        summary = self.loans.get((region, year))
        if subject == "loan-rate":
            name = "棚改专项贷款有效贷款发放率"
            if not (summary and summary.disbursed_total is not None and summary.credit_total):
                return Derived(None, name, "%")
            return Derived(
                ratio_percent(summary.disbursed_total, summary.credit_total),
                name,
                "%",
                ratio_interval(
                    self._lenders(summary, "disbursed_cumulative"),
                    self._lenders(summary, "credit_line"),
                ),
            )
        field_name, total_name, zh = {
            "loan-credit-total": ("credit_line", "credit_total", "有效授信合计"),
            "loan-disbursed-total": ("disbursed_cumulative", "disbursed_total", "累计发放合计"),
            "loan-disbursed-in-year-total": (
                "disbursed_in_year",
                "disbursed_in_year_total",
                "当年发放合计",
            ),
        }[subject]
        facilities = summary.facilities if summary else []
        parts = [
            FindingPart(region_code=region, region_name="", label=f.lender.short_zh, value=value)
            for f in facilities
            if (value := getattr(f, field_name)) is not None
        ]
        total = getattr(summary, total_name) if summary else None
        return Derived(
            total,
            f"棚改专项贷款{zh}",
            YI_YUAN,
            self._lenders(summary, field_name) if summary else None,
            ConsistencyCheck.TOTAL_PARTS,
            parts,
        )

    def _rectification_rate(self, subject: str, region: str, year: int | None) -> Derived:
        _, campaign, item = subject.split(":", 2)
        tally = self.tallies.get((region, campaign, item))
        name = f"{tally.campaign.name_zh if tally else campaign}整改率"
        if not (tally and tally.found):
            return Derived(None, name, "%")
        rate = ratio_percent(Decimal(tally.rectified), Decimal(tally.found))
        return Derived(rate, name, "%", Interval.point(rate))  # counts: exact


def _stated(checker: Checker, row: asyncpg.Record, derive: _Derivations) -> None:
    region, subject, year = row["region_code"], row["subject"], row["year"]
    stated, decimals = row["value"], row["decimals"]
    derived = derive(subject, region, year)
    checker.checked += 1
    source = Source(
        document_number=row["document_number"], annex=row["annex"], line=row["source_line"]
    )
    if not checker.wanted(source):
        return
    shown = f"{stated}{'%' if row['is_percent'] else ''}"
    low: Decimal | None = None
    high: Decimal | None = None
    spread: Decimal | None = half_unit(decimals)
    if derived is None or derived.value is None or derived.interval is None:
        why = "no rule derives this subject" if derived is None else "a part it needs is missing"
        status, difference, computed = FindingStatus.NOT_DERIVABLE, None, None
        note = f"the document states {shown}; the service cannot derive it: {why}"
    else:
        difference, judged = judge_stated(stated, decimals, derived.value, derived.interval)
        if judged is None:
            return
        status = judged
        exact = derived.value
        percent = derived.unit_zh == "%"
        computed = round_to(exact, RATE_PLACES) if percent else exact
        shown_interval = derived.interval.rounded_out(RATE_PLACES) if percent else derived.interval
        low, high = shown_interval.low, shown_interval.high
        spread = tolerance(half_unit(decimals), derived.interval, exact)
        if spread is not None and percent:
            spread = round_to(spread, RATE_PLACES)
        verdict = (
            "rounding does not explain the difference"
            if status is FindingStatus.MISMATCH
            else "rounding explains the difference"
        )
        note = (
            f"the document states {shown}; derived {computed}, {round_to(exact, decimals)} to"
            f" the {decimals} places published; the inputs as published allow"
            f" {low} to {'∞' if high is None else high}: {verdict}"
        )
    name = checker.tree.names[region]
    checker.findings.append(
        ConsistencyFinding(
            check=derived.check if derived else ConsistencyCheck.STATED_VALUE,
            status=status,
            region_code=region,
            region_name=name,
            year=year,
            subject=subject,
            subject_zh=derived.subject_zh if derived else subject,
            kind=None,
            unit_zh=derived.unit_zh if derived else None,
            value=stated,
            computed=computed,
            difference=difference,
            tolerance=spread,
            low=low,
            high=high,
            parts=[p.model_copy(update={"region_name": name}) for p in derived.parts]
            if derived
            else [],
            children_reported=None,
            children_total=None,
            source=source,
            note=note,
        )
    )


async def check_after_import(db: Session) -> list[str]:
    """The whole report in a few lines: what `anju import` prints when it is done."""
    found = await report(db, ConsistencyFilter())
    s = found.summary
    lines = [
        f"consistency: {s.mismatches} mismatches, {s.rounding_differences} rounding differences,"
        f" {s.not_derivable} not derivable in {s.checked} comparisons"
    ]
    lines += [
        f"  {f.status.value} {f.region_name} {f.subject} {f.kind or ''}".rstrip() + f": {f.note}"
        for f in found.findings
    ]
    return lines
