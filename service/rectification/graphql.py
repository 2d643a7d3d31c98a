"""GraphQL door to rectification."""

import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

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
    described_enum,
    guarded_write,
    page_request,
)
from service.kit.graphql_inputs import Limit, Offset
from service.rectification import service
from service.rectification.pipeline import TallyRecord
from service.rectification.schemas import (
    ITEM_NAMES_ZH,
    KIND_NAMES_ZH,
    Campaign,
    CampaignKind,
    RectificationRecord,
    SummaryFilter,
    Tally,
    TallyFilter,
    TallyItem,
    TallySummary,
)
from service.regions.ref import RegionRef, region_of

CampaignKindEnum: Any = described_enum("CampaignKind", "审计或专项行动", KIND_NAMES_ZH)
TallyItemEnum: Any = described_enum("TallyItem", "整改统计对象", ITEM_NAMES_ZH)


@strawberry.type(name="RectificationCampaign", description="An audit or a special campaign.")
class CampaignType:
    code: str
    name_zh: str
    kind: CampaignKindEnum
    year: int

    @classmethod
    def from_record(cls, c: Campaign) -> "CampaignType":
        return cls(code=c.code, name_zh=c.name_zh, kind=CampaignKindEnum(c.kind.value), year=c.year)


@strawberry.type(name="RectificationTally", description="Found and rectified of one item.")
class TallyType:
    region_code: str
    campaign: CampaignType
    item: TallyItemEnum
    found: int
    rectified: int
    in_progress: int | None
    as_of: date
    rate: Decimal | None = strawberry.field(
        description="rectified / found in percent (4 places), derived, never stored"
    )
    source: SourceType
    last_changed: datetime = strawberry.field(description="When the tally last changed")

    @strawberry.field
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        return await region_of(info, self.region_code)

    @classmethod
    def from_record(cls, t: Tally) -> "TallyType":
        return cls(
            region_code=t.region_code,
            campaign=CampaignType.from_record(t.campaign),
            item=TallyItemEnum(t.item.value),
            found=t.found,
            rectified=t.rectified,
            in_progress=t.in_progress,
            as_of=t.as_of,
            rate=t.rate,
            source=SourceType.from_record(t.source),
            last_changed=t.last_changed,
        )


@strawberry.type(
    name="RectificationSummary", description="One region's counts of one item over campaigns."
)
class TallySummaryType:
    region_code: str
    item: TallyItemEnum
    campaigns: list[str]
    found: int
    rectified: int
    in_progress: int | None
    rate: Decimal | None = strawberry.field(description="rectified / found in percent, derived")
    last_changed: datetime = strawberry.field(
        description="When the latest of its tallies last changed"
    )

    @strawberry.field
    async def region(self, info: strawberry.Info[Context, Any]) -> RegionRef:
        return await region_of(info, self.region_code)

    @classmethod
    def from_record(cls, s: TallySummary) -> "TallySummaryType":
        return cls(
            region_code=s.region_code,
            item=TallyItemEnum(s.item.value),
            campaigns=s.campaigns,
            found=s.found,
            rectified=s.rectified,
            in_progress=s.in_progress,
            rate=s.rate,
            last_changed=s.last_changed,
        )


@strawberry.type(name="RectificationTallyPage")
class TallyPage(PageType[TallyType]):
    pass


@strawberry.type(name="RectificationSummaryPage")
class TallySummaryPage(PageType[TallySummaryType]):
    pass


def tally_filter(campaign: str | None, item: Any) -> TallyFilter:
    return TallyFilter(campaign=campaign, item=TallyItem(item.value) if item is not None else None)


def summary_filter(item: Any, kind: Any) -> SummaryFilter:
    return SummaryFilter(
        item=TallyItem(item.value) if item is not None else None,
        kind=CampaignKind(kind.value) if kind is not None else None,
    )


# one statement per distinct filter among the keys, whatever the number of regions
_tallies_loader = batched_loader(service.tallies_of)
_summaries_loader = batched_loader(service.summaries_of)


async def region_rectification(
    root: strawberry.Parent[HasCode],
    info: strawberry.Info[Context, Any],
    campaign: str | None = None,
    item: TallyItemEnum | None = None,
) -> list[TallyType]:
    """The region's rectification tallies, batched across regions.

    The campaign is checked inside the batch: awaiting a check here would split it.
    """
    flt = tally_filter(campaign, item)
    loader = info.context.loader(LoaderKey.RECTIFICATION, _tallies_loader)
    return [TallyType.from_record(t) for t in await loader.load((root.code, flt))]


async def region_rectification_summary(
    root: strawberry.Parent[HasCode],
    info: strawberry.Info[Context, Any],
    item: TallyItemEnum | None = None,
    kind: CampaignKindEnum | None = None,
) -> list[TallySummaryType]:
    """Per item, the region's counts summed over campaigns, batched across regions."""
    loader = info.context.loader(LoaderKey.RECTIFICATION_SUMMARY, _summaries_loader)
    found = await loader.load((root.code, summary_filter(item, kind)))
    return [TallySummaryType.from_record(s) for s in found]


@strawberry.type
class RectificationQuery:
    @strawberry.field(description="Rectification tallies of a region, or of its whole subtree.")
    async def rectification(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        descendants: bool = False,
        campaign: str | None = None,
        item: TallyItemEnum | None = None,
        limit: Limit = None,
        offset: Offset = None,
    ) -> TallyPage:
        page = await service.tallies(
            info.context.db,
            region,
            tally_filter(campaign, item),
            page_request(limit, offset),
            descendants=descendants,
        )
        return TallyPage.from_page(page, TallyType.from_record)

    @strawberry.field(description="Per region and item, counts summed over campaigns.")
    async def rectification_summary(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        descendants: bool = False,
        item: TallyItemEnum | None = None,
        kind: CampaignKindEnum | None = None,
        limit: Limit = None,
        offset: Offset = None,
    ) -> TallySummaryPage:
        page = await service.summaries(
            info.context.db,
            region,
            summary_filter(item, kind),
            page_request(limit, offset),
            descendants=descendants,
        )
        return TallySummaryPage.from_page(page, TallySummaryType.from_record)

    @strawberry.field(description="Audits and special campaigns whose rectification is tallied.")
    async def rectification_campaigns(
        self, info: strawberry.Info[Context, Any]
    ) -> list[CampaignType]:
        return [CampaignType.from_record(c) for c in await service.campaigns(info.context.db)]


@strawberry.type(description="The tally as it stands after the record.")
class RectificationRecorded:
    tally: TallyType
    request_id: str | None


@strawberry.input(description="Progress on one tally, in a batch. 批量整改记录中的一项。")
class RectificationInput:
    campaign: str
    item: TallyItemEnum
    date: dt.date = strawberry.field(description="As of when the count holds. 截至日期。")
    rectified: int | None = strawberry.field(
        default=None, description="The new cumulative count. 新的累计已整改数。"
    )
    add: int | None = strawberry.field(
        default=None, description="Or: how many more were rectified. 或：新增整改数。"
    )
    expected_rectified: int | None = strawberry.field(
        default=None, description="The count read before; else a conflict. 此前读取的已整改数。"
    )


@strawberry.type(description="The tallies after the records. 记录后的整改统计。")
class RectificationsRecorded:
    tallies: list[TallyType] = strawberry.field(description="The tallies written. 各项整改统计。")
    request_id: str | None


RecordRectificationsResult = Annotated[
    RectificationsRecorded | ProblemUnion, strawberry.union("RecordRectificationsResult")
]


RecordRectificationResult = Annotated[
    RectificationRecorded | ProblemUnion, strawberry.union("RecordRectificationResult")
]


@strawberry.type
class RectificationMutation:
    @strawberry.mutation(
        description="Record how many findings of a tally are rectified: give `rectified` (the"
        " new cumulative count) or `add`. Recorded for the caller's region or one below it."
    )
    async def record_rectification(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        campaign: str,
        item: TallyItemEnum,
        date: Annotated[dt.date, strawberry.argument(description="As of when the count holds")],
        reason: str,
        rectified: int | None = None,
        add: int | None = None,
        expected_rectified: Annotated[
            int | None, strawberry.argument(description="The count read before; else a conflict")
        ] = None,
    ) -> RecordRectificationResult:
        context = info.context
        change = RectificationRecord(
            rectified=rectified, add=add, as_of=date, expected_rectified=expected_rectified
        )

        async def run(db: Session) -> RectificationRecorded:
            tally = await service.record(
                db, context.principal, region, campaign, TallyItem(item.value), change, reason
            )
            return RectificationRecorded(
                tally=TallyType.from_record(tally), request_id=context.request_id
            )

        return await guarded_write(context, run)

    @strawberry.mutation(
        description="Record progress on several tallies of a region, all or none; every"
        " item's problem is listed. 批量记录整改进展，全部成功或全部不写。"
    )
    async def record_rectifications(
        self,
        info: strawberry.Info[Context, Any],
        region: str,
        reason: str,
        items: list[RectificationInput],
    ) -> RecordRectificationsResult:
        context = info.context
        records = [
            TallyRecord(
                campaign=i.campaign,
                item=TallyItem(i.item.value),
                rectified=i.rectified,
                add=i.add,
                as_of=i.date,
                expected_rectified=i.expected_rectified,
            )
            for i in items
        ]

        async def run(db: Session) -> RectificationsRecorded:
            tallies = await service.record_many(db, context.principal, region, records, reason)
            return RectificationsRecorded(
                tallies=[TallyType.from_record(t) for t in tallies], request_id=context.request_id
            )

        return await guarded_write(context, run)
