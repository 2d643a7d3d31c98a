"""REST door to loans and bonds."""

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service.auth.dependencies import Reporter
from service.auth.sessions import ReadDb, WriteDb
from service.kit.inputs import Amount, LongText, ShortText, YearValue
from service.kit.rest import (
    PROBLEM_RESPONSES,
    WRITE_RESPONSES,
    Descendants,
    IdempotencyKey,
    PageOut,
    PageParams,
    Region,
    Year,
    fresh,
    idempotent_write,
)
from service.loans import service
from service.loans.schemas import BondIssue, Disbursement, LoanFilter, RegionLoans

router = APIRouter(tags=["loans"], responses=PROBLEM_RESPONSES)


@router.get("/loans", summary="Special loans per region and year, with their lender rows")
async def list_loans(
    response: Response,
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    year: Year = None,
) -> PageOut[RegionLoans]:
    flt = LoanFilter(year=year)
    return fresh(response, await service.loans(db, region, flt, page, descendants=descendants))


@router.get("/bonds", summary="Special bonds issued per region and year")
async def list_bonds(
    response: Response,
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    year: Year = None,
) -> PageOut[BondIssue]:
    flt = LoanFilter(year=year)
    return fresh(response, await service.bonds(db, region, flt, page, descendants=descendants))


class AmountIn(BaseModel):
    amount: Amount = Field(description="亿元, positive, at most 4 decimal places")
    reason: LongText


@router.post(
    "/regions/{code}/loans/{year}/{lender}/disbursements",
    summary="Record a disbursement of the caller's own special loan, within its credit line",
    response_model=RegionLoans,
    responses=WRITE_RESPONSES,
)
async def record_disbursement(
    db: WriteDb,
    principal: Reporter,
    code: ShortText,
    year: YearValue,
    lender: ShortText,
    body: AmountIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def run() -> RegionLoans:
        return await service.record_disbursement(
            db, principal, code, year, lender, body.amount, body.reason
        )

    request = ("loan-disbursement", code, year, lender, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)


class DisbursementIn(BaseModel):
    lender: ShortText = Field(description="Lender code, e.g. ADBC")
    amount: Amount = Field(description="亿元, positive, at most 4 decimal places")


class DisbursementsIn(BaseModel):
    reason: LongText
    items: list[DisbursementIn] = Field(
        description="Applied in order, all or none, each within its lender's credit line"
    )


@router.post(
    "/regions/{code}/loans/{year}/disbursements",
    summary="Record several disbursements of the caller's own special loans, all or none",
    response_model=RegionLoans,
    responses=WRITE_RESPONSES,
)
async def record_disbursements(
    db: WriteDb,
    principal: Reporter,
    code: ShortText,
    year: YearValue,
    body: DisbursementsIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    items = [Disbursement(lender=i.lender, amount=i.amount) for i in body.items]

    async def run() -> RegionLoans:
        return await service.record_disbursements(db, principal, code, year, items, body.reason)

    request = ("loan-disbursements", code, year, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)


@router.post(
    "/regions/{code}/bonds/{year}",
    summary="Record special bonds issued for the caller's own region",
    response_model=BondIssue,
    responses=WRITE_RESPONSES,
)
async def record_bond_issue(
    db: WriteDb,
    principal: Reporter,
    code: ShortText,
    year: YearValue,
    body: AmountIn,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def run() -> BondIssue:
        return await service.record_bond_issue(db, principal, code, year, body.amount, body.reason)

    request = ("bond-issue", code, year, body.model_dump(mode="json"))
    return await idempotent_write(db, principal.subject, idempotency_key, request, run)
