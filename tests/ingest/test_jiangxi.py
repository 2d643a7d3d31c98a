"""The Jiangxi 2024 plan (赣建保〔2024〕3号) read from the shared seed document."""

from datetime import date
from decimal import Decimal

import pytest

from service.ingest.errors import SeedImportError
from service.ingest.importers import parse_seed_source
from service.ingest.records import SeedData
from service.ingest.regions import RegionDirectory
from tests.ingest.conftest import JIANGXI, seed_path

Key = tuple[int, str, str, str]


def figures(data: SeedData) -> dict[Key, Decimal]:
    return {(f.annex, f.region_code, f.indicator, f.kind): f.value for f in data.figures}


def test_document(jiangxi: SeedData) -> None:
    doc = jiangxi.document
    assert doc.number == "赣建保〔2024〕3号"
    assert doc.issuer == "江西省住房和城乡建设厅、江西省发展和改革委员会、江西省财政厅"
    assert doc.title == "关于下达2024年全省保障性安居工程建设工作计划的通知"
    assert doc.issued_on == date(2024, 3, 15)
    assert doc.region_code == "360000"
    assert [a.annex for a in doc.annexes] == list(range(1, 9))
    assert doc.annexes[0].title == "2024年配售型保障性住房目标任务分解表"
    assert doc.annexes[6].title == "2024年城镇老旧小区改造完成任务数（2023年申报计划任务）"


def test_only_2024_targets(jiangxi: SeedData) -> None:
    assert {f.year for f in jiangxi.figures} == {2024}
    assert {f.kind for f in jiangxi.figures} == {"TARGET", "SUPPLEMENTARY_TARGET"}
    assert all(f.annex == 8 for f in jiangxi.figures if f.kind == "SUPPLEMENTARY_TARGET")
    assert not jiangxi.stated_values and not jiangxi.fund_accounts


PROVINCE_TOTALS: list[tuple[int, str, str, str]] = [
    (1, "SALE_HOUSING:START:SET", "TARGET", "4979"),
    (2, "RENTAL_HOUSING:START:SET_OR_ROOM", "TARGET", "75131"),
    (2, "RENTAL_HOUSING:COMPLETION:SET_OR_ROOM", "TARGET", "64776"),
    (3, "PUBLIC_RENTAL:START:SET", "TARGET", "1357"),
    (4, "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD", "TARGET", "65334"),
    (5, "URBAN_VILLAGE:START:HOUSEHOLD", "TARGET", "31146"),
    (5, "URBAN_VILLAGE:START:HOUSEHOLD:DEMOLISH_REBUILD", "TARGET", "11762"),
    (5, "URBAN_VILLAGE:START:HOUSEHOLD:DEMOLISH_RENOVATE", "TARGET", "17498"),
    (5, "URBAN_VILLAGE:START:HOUSEHOLD:RENOVATE", "TARGET", "1886"),
    (5, "URBAN_VILLAGE:RESETTLEMENT_START:SET", "TARGET", "25487"),
    (6, "SHANTYTOWN:START:SET", "TARGET", "4538"),
    (6, "SHANTYTOWN:START:SET:CD_DANGEROUS", "TARGET", "3678"),
    (6, "SHANTYTOWN:START:SET:NON_SELF_CONTAINED", "TARGET", "860"),
    (6, "SHANTYTOWN:RESETTLEMENT_START:SET", "TARGET", "643"),
    (6, "SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION:SET", "TARGET", "602"),
    (7, "OLD_COMMUNITY:COMPLETION:TEN_THOUSAND_SQM", "TARGET", "3718.28"),
    (7, "OLD_COMMUNITY:COMPLETION:HOUSEHOLD", "TARGET", "375652"),
    (7, "OLD_COMMUNITY:COMPLETION:COMMUNITY", "TARGET", "1245"),
    (7, "OLD_COMMUNITY:COMPLETION:BUILDING", "TARGET", "25066"),
    (8, "OLD_COMMUNITY:START:TEN_THOUSAND_SQM", "TARGET", "4032.78"),
    (8, "OLD_COMMUNITY:START:TEN_THOUSAND_SQM", "SUPPLEMENTARY_TARGET", "1299.42"),
    (8, "OLD_COMMUNITY:START:HOUSEHOLD", "TARGET", "390897"),
    (8, "OLD_COMMUNITY:START:HOUSEHOLD", "SUPPLEMENTARY_TARGET", "134509"),
    (8, "OLD_COMMUNITY:START:COMMUNITY", "TARGET", "1008"),
    (8, "OLD_COMMUNITY:START:COMMUNITY", "SUPPLEMENTARY_TARGET", "335"),
    (8, "OLD_COMMUNITY:START:BUILDING", "TARGET", "25801"),
    (8, "OLD_COMMUNITY:START:BUILDING", "SUPPLEMENTARY_TARGET", "8483"),
]


@pytest.mark.parametrize(("annex", "indicator", "kind", "value"), PROVINCE_TOTALS)
def test_province_totals(
    jiangxi: SeedData, annex: int, indicator: str, kind: str, value: str
) -> None:
    assert figures(jiangxi)[(annex, "360000", indicator, kind)] == Decimal(value)


def test_samples(jiangxi: SeedData) -> None:
    got = figures(jiangxi)
    assert got[(2, "360121", "RENTAL_HOUSING:START:SET_OR_ROOM", "TARGET")] == 1500
    # 南昌县's 竣工 cell is blank: no figure, not a zero.
    assert (2, "360121", "RENTAL_HOUSING:COMPLETION:SET_OR_ROOM", "TARGET") not in got
    assert got[(2, "360731", "RENTAL_HOUSING:COMPLETION:SET_OR_ROOM", "TARGET")] == 20201
    assert got[(1, "360700-CORE", "SALE_HOUSING:START:SET", "TARGET")] == 2879
    assert got[(2, "360900-ETDZ", "RENTAL_HOUSING:START:SET_OR_ROOM", "TARGET")] == 747
    assert got[(4, "360400-LSXH", "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD", "TARGET")] == 4
    assert got[(6, "360000-GJNA-TCM", "SHANTYTOWN:START:SET", "TARGET")] == 195
    assert got[(8, "361000", "OLD_COMMUNITY:START:BUILDING", "SUPPLEMENTARY_TARGET")] == 0
    assert str(got[(8, "360500", "OLD_COMMUNITY:START:TEN_THOUSAND_SQM", "TARGET")]) == "169.90"
    line = {(f.annex, f.region_code, f.indicator): f.line for f in jiangxi.figures}
    assert line[(2, "360121", "RENTAL_HOUSING:START:SET_OR_ROOM")] == 116


@pytest.mark.parametrize(
    ("annex", "indicator", "value"),
    [
        (2, "RENTAL_HOUSING:START:SET_OR_ROOM", 2969),
        (4, "RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD", 60),
        (6, "SHANTYTOWN:START:SET", 67),
    ],
)
def test_jinggangshan_both_spellings(
    jiangxi: SeedData, annex: int, indicator: str, value: int
) -> None:
    # Annexes 2 and 4 say 井冈山, annex 6 says 井冈山市.
    assert figures(jiangxi)[(annex, "360881", indicator, "TARGET")] == value


def test_counts(jiangxi: SeedData) -> None:
    by_annex: dict[int, int] = {}
    for f in jiangxi.figures:
        by_annex[f.annex] = by_annex.get(f.annex, 0) + 1
    # One figure per non-blank cell (counted with awk): annex 2 has 24 blank 竣工
    # cells, annex 6 has 140 blank cells; each annex 8 cell is a target and a supplement.
    assert by_annex == {1: 5, 2: 118, 3: 6, 4: 101, 5: 25, 6: 215, 7: 52, 8: 104}


def _text() -> str:
    return seed_path(JIANGXI).read_text(encoding="utf-8")


def test_malformed_cell_in_the_real_document(directory: RegionDirectory) -> None:
    text = _text().replace("南昌县\t1500\t\n", "南昌县\t1500\t12x\n")
    with pytest.raises(SeedImportError) as caught:
        parse_seed_source(text, directory)
    assert str(caught.value) == "附件2 line 116 column 竣工: cannot read '12x'"


def test_unknown_region_in_the_real_document(directory: RegionDirectory) -> None:
    text = _text().replace("德安县\t50\n", "德安区\t50\n")
    with pytest.raises(SeedImportError) as caught:
        parse_seed_source(text, directory)
    assert (
        str(caught.value)
        == "附件3 line 201 column 市、县名称: unknown region '德安区' under 九江市;"
        " did you mean 德安县?"
    )


def test_missing_cell_in_the_real_document(directory: RegionDirectory) -> None:
    text = _text().replace(
        "赣州市\t12080\t10810\t840\t430\t11342", "赣州市\t12080\t10810\t840\t430"
    )
    with pytest.raises(SeedImportError, match=r"^附件5 line 329: expected 6 cells, found 5$"):
        parse_seed_source(text, directory)
