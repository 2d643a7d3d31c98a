"""GraphQL door to fund accounts."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from service.catalogue.programme_scalar import Programme
from service.figures.graphql import SourceType
from service.funds import service
from service.funds.schemas import (
    DIRECTION_NAMES_ZH,
    MOVEMENT_NAMES_ZH,
    SOURCE_NAMES_ZH,
    FundAccount,
    FundFilter,
    FundFlow,
    FundMovement,
    FundMovementItem,
    FundSource,
    MovementDirection,
)
from service.kit.db import Session
from service.kit.graphql import (
    Context,
    HasCode,
    LoaderKey,
    PageType,
    ProblemUnion,
    batched_loader,
    described_enum,
    guarded_write,
    page_request,
)
from service.kit.graphql_inputs import Limit, Offset, OptionalYear, Year
from service.regions.ref import RegionRef, region_of

FundSourceEnum: Any = described_enum("FundSource", "资金来源", SOURCE_NAMES_ZH)
FlowDirectionEnum: Any = described_enum("FlowDirection", "收支方向", DIRECTION_NAMES_ZH)


@strawberry.type(name="FundFlow", description="Income or expenditure of one category (万元).")
class FundFlowType:
    direction: FlowDirectionEnum
    category: Programme
    category_zh: str
    amount: Decimal

    @classmethod
    def from_record(cls, f: FundFlow) -> "FundFlowType":
        return cls(
            direction=FlowDirectionEnum(f.direction.value),
            category=f.category,
            category_zh=f.category_zh,
            amount=f.amount,
        )


@strawberry.type(
    name="FundAccount",
    description="Subsidy money of one region, year and source (万元); totals derived.",
)
class FundAccountType:
    region_code: str
    year: int
    source: FundSourceEnum
    opening_balance: Decimal | None = strawberry.field(description="截至上年末结余")
    adjustment: Decimal | None = strawberry.field(description="已统计支付后调整收回")
    flows: list[FundFlowType]
    income_total: Decimal
    expenditure_total: Decimal
    available: Decimal = strawberry.field(description="opening + adjustment + income")
    closing_balance: Decimal = strawberry.field(description="available − expenditure, derived")
    expenditure_rate: Decimal | None = strawberry.field(
        description="expenditure / available in percent (4 places), derived, never stored"
    )
    provenance: SourceType
    last_changed: datetime = strawberry.field(
        description="When the account or one of its flows last changed"
    )

    @strawberry.field
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        return await region_of(info, self.region_code)

    @classmethod
    def from_record(cls, a: FundAccount) -> "FundAccountType":
        return cls(
            region_code=a.region_code,
            year=a.year,
            source=FundSourceEnum(a.source.value),
            opening_balance=a.opening_balance,
            adjustment=a.adjustment,
            flows=[FundFlowType.from_record(f) for f in a.flows],
            income_total=a.income_total,
            expenditure_total=a.expenditure_total,
            available=a.available,
            closing_balance=a.closing_balance,
            expenditure_rate=a.expenditure_rate,
            provenance=SourceType.from_record(a.provenance),
            last_changed=a.last_changed,
        )


@strawberry.type(name="FundAccountPage")
class FundAccountPage(PageType[FundAccountType]):
    pass


def fund_filter(year: int | None, source: Any) -> FundFilter:
    return FundFilter(year=year, source=FundSource(source.value) if source is not None else None)


# one batch per distinct filter among the keys, whatever the number of regions
_funds_loader = batched_loader(service.for_regions)


async def region_fund_accounts(
    root: strawberry.Parent[HasCode],
    info: strawberry.Info[Context, Any],
    year: OptionalYear = None,
    source: FundSourceEnum | None = None,
) -> list[FundAccountType]:
    """The region's fund accounts, batched across regions."""
    flt = fund_filter(year, source)
    service.validate(flt)
    loader = info.context.loader(LoaderKey.FUNDS, _funds_loader)
    return [FundAccountType.from_record(a) for a in await loader.load((root.code, flt))]


@strawberry.type
class FundsQuery:
    @strawberry.field(description="Subsidy fund accounts of a region, or of its whole subtree.")
    async def fund_accounts(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        descendants: bool = False,
        year: OptionalYear = None,
        source: FundSourceEnum | None = None,
        limit: Limit = None,
        offset: Offset = None,
    ) -> FundAccountPage:
        page = await service.for_region(
            info.context.db,
            region,
            fund_filter(year, source),
            page_request(limit, offset),
            descendants=descendants,
        )
        return FundAccountPage.from_page(page, FundAccountType.from_record)


MovementDirectionEnum: Any = described_enum(
    "FundMovementDirection",
    "资金变动：收入、支出或调整收回",
    MOVEMENT_NAMES_ZH,
)


@strawberry.type(description="The fund account as it stands after the movement.")
class FundMovementRecorded:
    account: FundAccountType
    request_id: str | None


@strawberry.input(description="One movement of a batch. 批量资金变动中的一项。")
class FundMovementInput:
    source: FundSourceEnum
    direction: MovementDirectionEnum
    amount: Decimal
    category: str | None = strawberry.field(
        default=None, description="Programme code; none for an ADJUSTMENT. 保障类型代码。"
    )


@strawberry.type(description="The fund accounts after the movements. 变动后的资金账户。")
class FundMovementsRecorded:
    accounts: list[FundAccountType]
    request_id: str | None


RecordFundMovementsResult = Annotated[
    FundMovementsRecorded | ProblemUnion, strawberry.union("RecordFundMovementsResult")
]


RecordFundMovementResult = Annotated[
    FundMovementRecorded | ProblemUnion, strawberry.union("RecordFundMovementResult")
]


@strawberry.type
class FundsMutation:
    @strawberry.mutation(
        description="Add income, expenditure or an adjustment (万元) to the caller's own fund"
        " account, opening it if needed; an expenditure may not exceed the closing balance."
    )
    async def record_fund_movement(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        source: FundSourceEnum,
        direction: MovementDirectionEnum,
        amount: Decimal,
        reason: str,
        category: Annotated[
            str | None, strawberry.argument(description="Programme code; none for an ADJUSTMENT")
        ] = None,
    ) -> RecordFundMovementResult:
        context = info.context
        movement = FundMovement(
            direction=MovementDirection(direction.value), category=category, amount=amount
        )

        async def run(db: Session) -> FundMovementRecorded:
            account = await service.record_movement(
                db, context.principal, region, year, FundSource(source.value), movement, reason
            )
            return FundMovementRecorded(
                account=FundAccountType.from_record(account), request_id=context.request_id
            )

        return await guarded_write(context, run)

    @strawberry.mutation(
        description="Add several movements to the caller's own fund accounts of a year, in"
        " order, all or none; every item's problem is listed (`items` of the problem)."
        " 批量记录本地区资金变动，全部成功或全部不写。"
    )
    async def record_fund_movements(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        reason: str,
        items: list[FundMovementInput],
    ) -> RecordFundMovementsResult:
        context = info.context
        movements = [
            FundMovementItem(
                source=FundSource(i.source.value),
                direction=MovementDirection(i.direction.value),
                category=i.category,
                amount=i.amount,
            )
            for i in items
        ]

        async def run(db: Session) -> FundMovementsRecorded:
            accounts = await service.record_movements(
                db, context.principal, region, year, movements, reason
            )
            return FundMovementsRecorded(
                accounts=[FundAccountType.from_record(a) for a in accounts],
                request_id=context.request_id,
            )

        return await guarded_write(context, run)
