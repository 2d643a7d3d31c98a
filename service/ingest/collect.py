"""Accumulate an importer's records, refusing duplicates the database would reject."""

from dataclasses import dataclass, field
from decimal import Decimal

from service.ingest.records import (
    BondIssue,
    Campaign,
    DocumentInfo,
    Figure,
    FigureKind,
    FundAccount,
    LoanFacility,
    RectificationTally,
    SeedData,
    StatedValue,
)
from service.ingest.tables import Number, Row


@dataclass
class Collector:
    year: int
    figures: list[Figure] = field(default_factory=list)
    stated_values: list[StatedValue] = field(default_factory=list)
    fund_accounts: list[FundAccount] = field(default_factory=list)
    loan_facilities: list[LoanFacility] = field(default_factory=list)
    bond_issues: list[BondIssue] = field(default_factory=list)
    rectification_tallies: list[RectificationTally] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    _keys: dict[tuple[object, ...], int] = field(default_factory=dict)

    def _claim(self, row: Row, key: tuple[object, ...], column: str) -> None:
        if key in self._keys:
            raise row.error(f"already given on line {self._keys[key]}", column)
        self._keys[key] = row.line

    def figure(
        self,
        row: Row,
        column: str,
        region_code: str,
        indicator: str,
        kind: FigureKind,
        number: Number | None,
    ) -> None:
        """A figure, and the bracketed supplementary target if the cell has one."""
        if number is None:
            return
        self._add_figure(row, column, region_code, indicator, kind, number.value)
        if number.supplement is not None:
            self._add_figure(
                row, column, region_code, indicator, "SUPPLEMENTARY_TARGET", number.supplement
            )

    def _add_figure(
        self,
        row: Row,
        column: str,
        region_code: str,
        indicator: str,
        kind: FigureKind,
        value: Decimal,
    ) -> None:
        if value < 0:
            raise row.error(f"negative figure {value}", column)
        self._claim(row, ("figure", region_code, indicator, kind), column)
        self.figures.append(
            Figure(row.annex, row.line, region_code, self.year, indicator, kind, value)
        )

    def stated(
        self, row: Row, column: str, region_code: str, subject: str, number: Number | None
    ) -> None:
        if number is None:
            return
        self._claim(row, ("stated", row.annex, region_code, subject), column)
        self.stated_values.append(
            StatedValue(
                annex=row.annex,
                line=row.line,
                region_code=region_code,
                subject=subject,
                value=number.value,
                decimals=number.decimals,
                is_percent=number.is_percent,
            )
        )

    def campaign(self, campaign: Campaign) -> None:
        """The document reports on this audit or campaign (declared once)."""
        if campaign not in self.campaigns:
            self.campaigns.append(campaign)

    def seed_data(self, document: DocumentInfo) -> SeedData:
        return SeedData(
            document=document,
            figures=tuple(self.figures),
            stated_values=tuple(self.stated_values),
            fund_accounts=tuple(self.fund_accounts),
            loan_facilities=tuple(self.loan_facilities),
            bond_issues=tuple(self.bond_issues),
            rectification_tallies=tuple(self.rectification_tallies),
            campaigns=tuple(self.campaigns),
        )
