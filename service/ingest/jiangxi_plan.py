"""Importer of the Jiangxi province's yearly plan (赣建保〔2024〕3号 and its like in other
years, or a corrected reissue): targets in annexes 1–8, for the year its title names."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.ingest.collect import Collector
from service.ingest.preamble import check_annexes, read_preamble, title_year
from service.ingest.records import DocumentInfo, SeedData
from service.ingest.regions import RegionDirectory, resolve_rows
from service.ingest.tables import Column, SourceText

NUMBER = "赣建保〔2024〕3号"
NUMBER_PATTERN = re.compile(r"赣建保〔\d{4}〕\d+号")
REGION = "360000"


@dataclass(frozen=True)
class Target:
    """A data column holding the year's target of one indicator."""

    column: Column
    indicator: str


@dataclass(frozen=True)
class AnnexLayout:
    title_keyword: str  # guards against annexes renumbered or swapped
    targets: Sequence[Target]


def _t(label: str, indicator: str, supplement: bool = False) -> Target:
    return Target(Column(label, supplement=supplement), indicator)


def _old_community(phase: str, supplement: bool) -> list[Target]:
    units = (
        ("面积", "TEN_THOUSAND_SQM"),
        ("户数", "HOUSEHOLD"),
        ("小区个数", "COMMUNITY"),
        ("楼栋数", "BUILDING"),
    )
    return [_t(label, f"OLD_COMMUNITY:{phase}:{unit}", supplement) for label, unit in units]


LAYOUTS: dict[int, AnnexLayout] = {
    1: AnnexLayout("配售型保障性住房", [_t("新开工（筹集）", "SALE_HOUSING:START:SET")]),
    2: AnnexLayout(
        "保障性租赁住房",
        [
            _t("新开工（筹集）", "RENTAL_HOUSING:START:SET_OR_ROOM"),
            _t("竣工", "RENTAL_HOUSING:COMPLETION:SET_OR_ROOM"),
        ],
    ),
    3: AnnexLayout("公共租赁住房", [_t("新开工（筹集）", "PUBLIC_RENTAL:START:SET")]),
    4: AnnexLayout("租赁补贴", [_t("计划发放户数", "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD")]),
    5: AnnexLayout(
        "城中村改造",
        [
            _t("改造/合计", "URBAN_VILLAGE:START:HOUSEHOLD"),
            _t("改造/拆除新建", "URBAN_VILLAGE:START:HOUSEHOLD:DEMOLISH_REBUILD"),
            _t("改造/拆整结合", "URBAN_VILLAGE:START:HOUSEHOLD:DEMOLISH_RENOVATE"),
            _t("改造/整治提升", "URBAN_VILLAGE:START:HOUSEHOLD:RENOVATE"),
            _t("建设安置房", "URBAN_VILLAGE:RESETTLEMENT_START:SET"),
        ],
    ),
    6: AnnexLayout(
        "棚户区",
        [
            _t("改造套数/合计", "SHANTYTOWN:START:SET"),
            _t("改造套数/C、D级危险住房", "SHANTYTOWN:START:SET:CD_DANGEROUS"),
            _t("改造套数/非成套住房", "SHANTYTOWN:START:SET:NON_SELF_CONTAINED"),
            _t("安置住房建设/新开工", "SHANTYTOWN:RESETTLEMENT_START:SET"),
            _t("安置住房建设/基本建成", "SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION:SET"),
        ],
    ),
    # Annex 7 lists the 2023 plan's communities, whose completion is a 2024 target.
    7: AnnexLayout("完成任务数", _old_community("COMPLETION", supplement=False)),
    8: AnnexLayout("开工任务数", _old_community("START", supplement=True)),
}


def parse(
    source: SourceText, directory: RegionDirectory, document_number: str = NUMBER
) -> SeedData:
    preamble = read_preamble(source.prose, document_number)
    annexes = check_annexes(
        source, {number: layout.title_keyword for number, layout in LAYOUTS.items()}
    )
    out = Collector(title_year(preamble))
    for number, layout in LAYOUTS.items():
        annex = source.annex(number)
        columns = [target.column for target in layout.targets]
        for row, region in resolve_rows(directory, REGION, annex.name_label, annex.rows):
            for target, value in zip(layout.targets, row.numbers(columns), strict=True):
                out.figure(row, target.column.label, region, target.indicator, "TARGET", value)
    document = DocumentInfo(
        number=preamble.number,
        issuer=preamble.issuer,
        title=preamble.title,
        issued_on=preamble.issued_on,
        region_code=REGION,
        annexes=annexes,
    )
    return out.seed_data(document)
