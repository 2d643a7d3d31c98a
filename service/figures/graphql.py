"""GraphQL door to figures."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Protocol

import strawberry
from strawberry.dataloader import DataLoader

from service.catalogue.graphql import IndicatorType, ProgrammeEnum, UnitEnum
from service.figures import service
from service.figures.schemas import KIND_NAMES_ZH, Figure, FigureFilter, FigureKind, FigureValue
from service.kit.db import Session
from service.kit.graphql import Context, LoaderKey, described_enum, enum_value, page_request
from service.kit.pagination import Page, PageRequest

FigureKindEnum: Any = described_enum(
    "FigureKind", "目标或完成", {k.value: zh for k, zh in KIND_NAMES_ZH.items()}
)

if False:  # pragma: no cover - typing only
    from service.regions.graphql import RegionType

RegionRef = Annotated["RegionType", strawberry.lazy("service.regions.graphql")]


@strawberry.type(name="Source", description="Where a value came from.")
class SourceType:
    document_number: str | None
    annex: int | None
    line: int | None


@strawberry.type(name="FigureValue")
class FigureValueType:
    kind: FigureKindEnum
    value: Decimal
    revision: int
    updated_at: datetime
    source: SourceType

    @classmethod
    def from_record(cls, v: FigureValue) -> "FigureValueType":
        return cls(
            kind=FigureKindEnum(v.kind.value),
            value=v.value,
            revision=v.revision,
            updated_at=v.updated_at,
            source=SourceType(
                document_number=v.source.document_number, annex=v.source.annex, line=v.source.line
            ),
        )


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
        from service.regions.graphql import region_loader

        region = await region_loader(info.context).load(self.region_code)
        assert region is not None
        return region

    @classmethod
    def from_record(cls, f: Figure) -> "FigureType":
        return cls(
            region_code=f.region_code,
            year=f.year,
            indicator=IndicatorType.from_record(f.indicator),
            unit=UnitEnum(f.unit.value),
            target=f.target,
            actual=f.actual,
            supplementary_target=f.supplementary_target,
            completion_rate=f.completion_rate,
            last_changed=f.last_changed,
            values=[FigureValueType.from_record(v) for v in f.values],
        )


@strawberry.type(name="FigurePage")
class FigurePage:
    items: list[FigureType]
    total: int
    limit: int
    offset: int
    next_offset: int | None

    @classmethod
    def from_page(cls, page: Page[Figure]) -> "FigurePage":
        return cls(
            items=[FigureType.from_record(f) for f in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            next_offset=page.next_offset,
        )


def figure_filter(
    year: int | None, programme: Any, indicator: str | None, kind: Any
) -> FigureFilter:
    return FigureFilter(
        year=year,
        programme=enum_value(programme),
        indicator=indicator,
        kind=FigureKind(kind.value) if kind is not None else None,
    )


FiguresKey = tuple[str, FigureFilter, PageRequest]


def _figures_loader(db: Session) -> DataLoader[FiguresKey, Page[Figure]]:
    async def load(keys: list[FiguresKey]) -> list[Page[Figure]]:
        # one statement per distinct (filter, page) among the keys, whatever the number of regions
        groups: dict[tuple[FigureFilter, PageRequest], list[str]] = {}
        for code, flt, page in keys:
            groups.setdefault((flt, page), []).append(code)
        pages: dict[FiguresKey, Page[Figure]] = {}
        for (flt, page), codes in groups.items():
            for code, result in (await service.for_regions(db, codes, flt, page)).items():
                pages[(code, flt, page)] = result
        return [pages[k] for k in keys]

    return DataLoader(load_fn=load)


class HasCode(Protocol):
    code: str


async def region_figures(
    root: strawberry.Parent[HasCode],
    info: strawberry.Info[Context, Any],
    year: int | None = None,
    programme: ProgrammeEnum | None = None,
    indicator: str | None = None,
    kind: FigureKindEnum | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> FigurePage:
    """The region's figures, batched across regions (nested reads cost a fixed number of queries)."""
    flt = figure_filter(year, programme, indicator, kind)
    await service.validate(info.context.db, flt)
    loader = info.context.loader(LoaderKey.FIGURES, _figures_loader)
    return FigurePage.from_page(await loader.load((root.code, flt, page_request(limit, offset))))


@strawberry.type
class FiguresQuery:
    @strawberry.field(description="Figures of a region, or of its whole subtree.")
    async def figures(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        descendants: bool = False,
        year: int | None = None,
        programme: ProgrammeEnum | None = None,
        indicator: str | None = None,
        kind: FigureKindEnum | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> FigurePage:
        flt = figure_filter(year, programme, indicator, kind)
        page = await service.for_region(
            info.context.db, region, flt, page_request(limit, offset), descendants=descendants
        )
        return FigurePage.from_page(page)
