"""GraphQL door to figures."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from service.catalogue.graphql import IndicatorType, UnitEnum
from service.catalogue.programme_scalar import Programme
from service.catalogue.schemas import Unit
from service.figures import service
from service.figures.schemas import (
    KIND_NAMES_ZH,
    Figure,
    FigureFilter,
    FigureKind,
    FigureWrite,
    Revision,
    Source,
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
    served_as,
)
from service.kit.graphql_inputs import Limit, Offset, OptionalYear, Year
from service.kit.pagination import Page, PageRequest
from service.regions.ref import RegionRef, region_of

FigureKindEnum: Any = described_enum("FigureKind", "目标或完成", KIND_NAMES_ZH)


@strawberry.type(name="Source", description="Where a value came from.")
class SourceType:
    document_number: str | None
    annex: int | None
    line: int | None
    principal: str | None = strawberry.field(
        default=None, description="who reported it, if not imported"
    )
    request_id: str | None = strawberry.field(
        default=None, description="the request that wrote it, if not imported"
    )
    changed_at: datetime | None = strawberry.field(
        default=None, description="when it was written, if not imported"
    )

    @classmethod
    def from_record(cls, s: Source) -> "SourceType":
        return served_as(cls, s)


@strawberry.type(name="FigureValue")
class FigureValueType:
    kind: FigureKindEnum
    value: Decimal
    revision: int
    updated_at: datetime
    source: SourceType


@strawberry.type(
    name="Figure", description="Target, actual and supplementary target of one indicator."
)
class FigureType:
    region_code: str
    year: int
    indicator: IndicatorType
    unit: UnitEnum
    target: Decimal | None
    actual: Decimal | None
    supplementary_target: Decimal | None = strawberry.field(description="增补任务")
    completion_rate: Decimal | None = strawberry.field(
        description="actual / target in percent (4 places), derived, never stored"
    )
    last_changed: datetime
    values: list[FigureValueType]

    @strawberry.field
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        return await region_of(info, self.region_code)


def _served(figure: Figure) -> FigureType:
    # the domain record has the type's fields under the same names (no copy per row)
    return served_as(FigureType, figure)


@strawberry.type(name="FigurePage")
class FigurePage(PageType[FigureType]):
    pass


CERTIFIED_ARG = strawberry.argument(
    description="ACTUAL values only from certified reporting periods (targets are unaffected)"
)


def figure_filter(
    year: int | None,
    programme: str | None,
    indicator: str | None,
    kind: Any,
    as_of: datetime | None = None,
    certified: bool = False,
) -> FigureFilter:
    return FigureFilter(
        year=year,
        programme=programme,
        indicator=indicator,
        kind=FigureKind(kind.value) if kind is not None else None,
        as_of=as_of,
        certified_only=certified,
    )


async def _for_regions(
    db: Session, codes: list[str], query: tuple[FigureFilter, PageRequest]
) -> dict[str, Page[Figure]]:
    flt, page = query
    # once per distinct filter, not once per region: the indicator check is a query
    await service.validate(db, flt)
    return await service.for_regions(db, codes, flt, page)


# one statement per distinct (filter, page) among the keys, whatever the number of regions
_figures_loader = batched_loader(_for_regions)


async def region_figures(
    root: strawberry.Parent[HasCode],
    info: strawberry.Info[Context, Any],
    year: OptionalYear = None,
    programme: Programme | None = None,
    indicator: str | None = None,
    kind: FigureKindEnum | None = None,
    limit: Limit = None,
    offset: Offset = None,
    as_of: datetime | None = None,
    certified: Annotated[bool, CERTIFIED_ARG] = False,
) -> FigurePage:
    """The region's figures, batched across regions (nested reads cost a fixed number of queries)."""
    flt = figure_filter(year, programme, indicator, kind, as_of, certified)
    loader = info.context.loader(LoaderKey.FIGURES, _figures_loader)
    found = await loader.load((root.code, (flt, page_request(limit, offset))))
    return FigurePage.from_page(found, _served)


@strawberry.type
class FiguresQuery:
    @strawberry.field(description="Figures of a region, or of its whole subtree.")
    async def figures(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        descendants: bool = False,
        year: OptionalYear = None,
        programme: Programme | None = None,
        indicator: str | None = None,
        kind: FigureKindEnum | None = None,
        limit: Limit = None,
        offset: Offset = None,
        as_of: datetime | None = None,
        certified: Annotated[bool, CERTIFIED_ARG] = False,
    ) -> FigurePage:
        flt = figure_filter(year, programme, indicator, kind, as_of, certified)
        page = await service.for_region(
            info.context.db, region, flt, page_request(limit, offset), descendants=descendants
        )
        return FigurePage.from_page(page, _served)


TargetKindEnum: Any = described_enum(
    "TargetKind",
    "下达的任务种类",
    {k.value: KIND_NAMES_ZH[k] for k in (FigureKind.TARGET, FigureKind.SUPPLEMENTARY_TARGET)},
)


@strawberry.input(description="An ACTUAL value of the caller's own region.")
class ActualInput:
    indicator: str
    value: Decimal
    unit: UnitEnum | None = None
    expected_revision: int | None = strawberry.field(
        default=None, description="The revision read before; 0 when the figure must be new"
    )


@strawberry.input(description="A TARGET (or 增补) value for a region below the caller's.")
class TargetInput:
    region: str
    indicator: str
    value: Decimal
    kind: TargetKindEnum = strawberry.field(default_factory=lambda: TargetKindEnum("TARGET"))
    unit: UnitEnum | None = None
    expected_revision: int | None = None


@strawberry.type(description="The figures as they stand after the write.")
class FiguresWritten:
    figures: list[FigureType]
    request_id: str | None


WriteFiguresResult = Annotated[
    FiguresWritten | ProblemUnion, strawberry.union("WriteFiguresResult")
]


def _unit(unit: Any) -> Unit | None:
    return Unit(unit.value) if unit is not None else None


async def _write(
    info: strawberry.Info[Context, Any], year: Year, reason: str, items: list[FigureWrite]
) -> FiguresWritten | ProblemUnion:
    context = info.context

    async def run(db: Session) -> FiguresWritten:
        figures = await service.write(db, context.principal, year, reason, items)
        return FiguresWritten(figures=[_served(f) for f in figures], request_id=context.request_id)

    return await guarded_write(context, run)


@strawberry.type(name="Revision", description="One change of one value.")
class RevisionType:
    kind: FigureKindEnum
    revision: int
    old_value: Decimal | None
    value: Decimal | None  # null: withdrawn, a reissue of its document left it out
    changed_at: datetime
    principal: str | None = strawberry.field(description="null: imported from the document")
    acting_region: str | None
    reason: str
    request_id: str | None
    source: SourceType

    @classmethod
    def from_record(cls, r: Revision) -> "RevisionType":
        return cls(
            kind=FigureKindEnum(r.kind.value),
            revision=r.revision,
            old_value=r.old_value,
            value=r.value,
            changed_at=r.changed_at,
            principal=r.principal,
            acting_region=r.acting_region,
            reason=r.reason,
            request_id=r.request_id,
            source=SourceType.from_record(r.source),
        )


@strawberry.type
class FigureHistoryQuery:
    @strawberry.field(description="Every change of one figure: who, when, old and new value, why.")
    async def figure_history(
        self, info: strawberry.Info[Context, Any], region: str, year: Year, indicator: str
    ) -> list[RevisionType]:
        revisions = await service.history(info.context.db, region, year, indicator)
        return [RevisionType.from_record(r) for r in revisions]


@strawberry.type
class FiguresMutation:
    @strawberry.mutation(
        description="Report ACTUAL figures of the caller's own region (all or nothing)."
    )
    async def report_actuals(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        year: Year,
        reason: str,
        items: list[ActualInput],
    ) -> WriteFiguresResult:
        writes = [
            FigureWrite(
                region=region,
                indicator=i.indicator,
                kind=FigureKind.ACTUAL,
                value=i.value,
                unit=_unit(i.unit),
                expected_revision=i.expected_revision,
            )
            for i in items
        ]
        return await _write(info, year, reason, writes)

    @strawberry.mutation(description="Assign TARGET figures to regions below the caller's.")
    async def assign_targets(
        self, info: strawberry.Info[Context, Any], year: Year, reason: str, items: list[TargetInput]
    ) -> WriteFiguresResult:
        writes = [
            FigureWrite(
                region=i.region,
                indicator=i.indicator,
                kind=FigureKind(i.kind.value),
                value=i.value,
                unit=_unit(i.unit),
                expected_revision=i.expected_revision,
            )
            for i in items
        ]
        return await _write(info, year, reason, writes)
