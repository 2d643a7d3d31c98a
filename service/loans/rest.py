"""REST door to loans and bonds."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.sessions import ReadDb
from service.kit.rest import PROBLEM_RESPONSES, PageOut, PageParams
from service.loans import service
from service.loans.schemas import BondIssue, LoanFilter, RegionLoans

router = APIRouter(tags=["loans"], responses=PROBLEM_RESPONSES)

Region = Annotated[str, Query(description="Region code, e.g. 140500")]
Descendants = Annotated[bool, Query(description="Include the whole subtree")]
Year = Annotated[int | None, Query(ge=1990, le=2100)]


@router.get("/loans", summary="Special loans per region and year, with their lender rows")
async def list_loans(
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    year: Year = None,
) -> PageOut[RegionLoans]:
    flt = LoanFilter(year=year)
    return PageOut.of(await service.loans(db, region, flt, page, descendants=descendants))


@router.get("/bonds", summary="Special bonds issued per region and year")
async def list_bonds(
    db: ReadDb,
    page: PageParams,
    region: Region,
    descendants: Descendants = False,
    year: Year = None,
) -> PageOut[BondIssue]:
    flt = LoanFilter(year=year)
    return PageOut.of(await service.bonds(db, region, flt, page, descendants=descendants))
