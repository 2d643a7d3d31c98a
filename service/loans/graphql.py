"""GraphQL door to loans and bonds."""

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import strawberry

from service.figures.graphql import SourceType
from service.kit.db import Session
from service.kit.graphql import (
    Context,
    HasCode,
    LoaderKey,
    PageType,
    ProblemUnion,
    batched_loader,
    guarded_write,
    page_request,
)
from service.kit.graphql_inputs import Limit, Offset, OptionalYear, Year
from service.loans import service
from service.loans.schemas import BondIssue, Disbursement, LoanFacility, LoanFilter, RegionLoans
from service.regions.ref import RegionRef, region_of


@strawberry.type(name="Lender", description="A policy bank lending for shantytown renewal.")
class LenderType:
    code: str
    name_zh: str
    short_zh: str


@strawberry.type(name="LoanFacility", description="One lender's special loan to a region (亿元).")
class LoanFacilityType:
    lender: LenderType
    credit_line: Decimal | None = strawberry.field(description="有效授信")
    disbursed_cumulative: Decimal | None = strawberry.field(description="累计发放")
    disbursed_in_year: Decimal | None = strawberry.field(description="当年发放")
    disbursement_rate: Decimal | None = strawberry.field(
        description="disbursedCumulative / creditLine in percent (4 places), derived"
    )
    source: SourceType
    last_changed: datetime = strawberry.field(description="When the facility last changed")

    @classmethod
    def from_record(cls, f: LoanFacility) -> "LoanFacilityType":
        return cls(
            lender=LenderType(
                code=f.lender.code, name_zh=f.lender.name_zh, short_zh=f.lender.short_zh
            ),
            credit_line=f.credit_line,
            disbursed_cumulative=f.disbursed_cumulative,
            disbursed_in_year=f.disbursed_in_year,
            disbursement_rate=f.disbursement_rate,
            source=SourceType.from_record(f.source),
            last_changed=f.last_changed,
        )


@strawberry.type(
    name="RegionLoans", description="A region's special loans of one year, totals derived (亿元)."
)
class RegionLoansType:
    region_code: str
    year: int
    credit_total: Decimal | None
    disbursed_total: Decimal | None
    disbursed_in_year_total: Decimal | None
    disbursement_rate: Decimal | None = strawberry.field(
        description="disbursedTotal / creditTotal in percent (4 places), derived"
    )
    facilities: list[LoanFacilityType]
    last_changed: datetime = strawberry.field(
        description="When the latest of its facilities last changed"
    )

    @strawberry.field
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        return await region_of(info, self.region_code)

    @classmethod
    def from_record(cls, s: RegionLoans) -> "RegionLoansType":
        return cls(
            region_code=s.region_code,
            year=s.year,
            credit_total=s.credit_total,
            disbursed_total=s.disbursed_total,
            disbursed_in_year_total=s.disbursed_in_year_total,
            disbursement_rate=s.disbursement_rate,
            facilities=[LoanFacilityType.from_record(f) for f in s.facilities],
            last_changed=s.last_changed,
        )


@strawberry.type(
    name="BondIssue", description="Special bonds issued for a region in a year (亿元)."
)
class BondIssueType:
    region_code: str
    year: int
    amount: Decimal
    source: SourceType
    last_changed: datetime = strawberry.field(description="When the amount last changed")

    @strawberry.field
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        return await region_of(info, self.region_code)

    @classmethod
    def from_record(cls, b: BondIssue) -> "BondIssueType":
        return cls(
            region_code=b.region_code,
            year=b.year,
            amount=b.amount,
            source=SourceType.from_record(b.source),
            last_changed=b.last_changed,
        )


@strawberry.type(name="RegionLoansPage")
class RegionLoansPage(PageType[RegionLoansType]):
    pass


@strawberry.type(name="BondIssuePage")
class BondIssuePage(PageType[BondIssueType]):
    pass


R = TypeVar("R")


def _of_year(
    of: Callable[[Session, list[str], LoanFilter], Awaitable[Mapping[tuple[str, int], R]]],
) -> Callable[[Session, list[str], int], Awaitable[dict[str, R | None]]]:
    """Rows of one year, keyed by region; None where a region has none."""

    async def fetch(db: Session, codes: list[str], year: Year) -> dict[str, R | None]:
        found = await of(db, codes, LoanFilter(year=year))
        return {code: found.get((code, year)) for code in codes}

    return fetch


# one statement per distinct year among the keys, whatever the number of regions
_loans_loader = batched_loader(_of_year(service.loans_of))
_bonds_loader = batched_loader(_of_year(service.bonds_of))


async def region_loans(
    root: strawberry.Parent[HasCode], info: strawberry.Info[Context, Any], year: Year
) -> RegionLoansType | None:
    """The region's loans of one year, batched across regions."""
    service.validate(LoanFilter(year=year))
    found = await info.context.loader(LoaderKey.LOANS, _loans_loader).load((root.code, year))
    return RegionLoansType.from_record(found) if found else None


async def region_bonds(
    root: strawberry.Parent[HasCode], info: strawberry.Info[Context, Any], year: Year
) -> BondIssueType | None:
    """The region's special bonds of one year, batched across regions."""
    service.validate(LoanFilter(year=year))
    found = await info.context.loader(LoaderKey.BONDS, _bonds_loader).load((root.code, year))
    return BondIssueType.from_record(found) if found else None


@strawberry.type
class LoansQuery:
    @strawberry.field(description="Special loans per region and year, of a region or its subtree.")
    async def loans(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        descendants: bool = False,
        year: OptionalYear = None,
        limit: Limit = None,
        offset: Offset = None,
    ) -> RegionLoansPage:
        page = await service.loans(
            info.context.db,
            region,
            LoanFilter(year=year),
            page_request(limit, offset),
            descendants=descendants,
        )
        return RegionLoansPage.from_page(page, RegionLoansType.from_record)

    @strawberry.field(description="Special bonds issued, of a region or its subtree.")
    async def bonds(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        descendants: bool = False,
        year: OptionalYear = None,
        limit: Limit = None,
        offset: Offset = None,
    ) -> BondIssuePage:
        page = await service.bonds(
            info.context.db,
            region,
            LoanFilter(year=year),
            page_request(limit, offset),
            descendants=descendants,
        )
        return BondIssuePage.from_page(page, BondIssueType.from_record)


@strawberry.type(description="The region's loans of the year after the disbursement.")
class LoanDisbursementRecorded:
    loans: RegionLoansType
    request_id: str | None


@strawberry.type(description="The region's special bonds of the year after the issue.")
class BondIssueRecorded:
    bond: BondIssueType
    request_id: str | None


RecordLoanDisbursementResult = Annotated[
    LoanDisbursementRecorded | ProblemUnion, strawberry.union("RecordLoanDisbursementResult")
]


@strawberry.input(description="One disbursement of a batch. 批量贷款发放中的一项。")
class DisbursementInput:
    lender: str
    amount: Decimal


RecordLoanDisbursementsResult = Annotated[
    LoanDisbursementRecorded | ProblemUnion, strawberry.union("RecordLoanDisbursementsResult")
]
RecordBondIssueResult = Annotated[
    BondIssueRecorded | ProblemUnion, strawberry.union("RecordBondIssueResult")
]


@strawberry.type
class LoansMutation:
    @strawberry.mutation(
        description="Add a disbursement (亿元) of the caller's own special loan from a lender;"
        " the cumulative amount may not exceed the credit line."
    )
    async def record_loan_disbursement(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        lender: str,
        amount: Decimal,
        reason: str,
    ) -> RecordLoanDisbursementResult:
        context = info.context

        async def run(db: Session) -> LoanDisbursementRecorded:
            loans = await service.record_disbursement(
                db, context.principal, region, year, lender, amount, reason
            )
            return LoanDisbursementRecorded(
                loans=RegionLoansType.from_record(loans), request_id=context.request_id
            )

        return await guarded_write(context, run)

    @strawberry.mutation(description="Add special bonds issued (亿元) for the caller's own region.")
    async def record_bond_issue(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        amount: Decimal,
        reason: str,
    ) -> RecordBondIssueResult:
        context = info.context

        async def run(db: Session) -> BondIssueRecorded:
            bond = await service.record_bond_issue(
                db, context.principal, region, year, amount, reason
            )
            return BondIssueRecorded(
                bond=BondIssueType.from_record(bond), request_id=context.request_id
            )

        return await guarded_write(context, run)

    @strawberry.mutation(
        description="Add several disbursements (亿元) of the caller's own special loans, in"
        " order, all or none, each within its credit line; every item's problem is listed."
        " 批量记录本地区专项贷款发放，全部成功或全部不写。"
    )
    async def record_loan_disbursements(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        reason: str,
        items: list[DisbursementInput],
    ) -> RecordLoanDisbursementsResult:
        context = info.context
        disbursements = [Disbursement(lender=i.lender, amount=i.amount) for i in items]

        async def run(db: Session) -> LoanDisbursementRecorded:
            loans = await service.record_disbursements(
                db, context.principal, region, year, disbursements, reason
            )
            return LoanDisbursementRecorded(
                loans=RegionLoansType.from_record(loans), request_id=context.request_id
            )

        return await guarded_write(context, run)
