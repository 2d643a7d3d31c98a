"""Resolving row names to region codes in tree order."""

import pytest

from service.ingest.errors import SeedImportError
from service.ingest.regions import RegionDirectory, normalise_name, resolve_rows
from service.ingest.tables import Row


def rows(*names: str) -> list[Row]:
    return [Row(annex=2, line=10 + i, cells=(name, "1")) for i, name in enumerate(names)]


def codes(directory: RegionDirectory, root: str, *names: str) -> list[str]:
    return [code for _, code in resolve_rows(directory, root, "市、县名称", rows(*names))]


def test_normalise_name() -> None:
    assert normalise_name("城 区") == "城区"
    assert normalise_name("市本级 （开发区）") == "市本级(开发区)"


def test_zones_resolve_among_the_current_citys_children(directory: RegionDirectory) -> None:
    assert codes(
        directory, "360000", "合计", "南昌市", "中心城区", "南昌县", "赣州市", "中心城区", "于都县"
    ) == ["360000", "360100", "360100-CORE", "360121", "360700", "360700-CORE", "360731"]


def test_development_zones_and_the_new_area(directory: RegionDirectory) -> None:
    assert codes(
        directory, "360000", "宜春市", "经开区", "抚州市", "高新区", "九江市", "庐山西海",
        "赣江新区", "中医药科创城", "全省",
    ) == [
        "360900", "360900-ETDZ", "361000", "361000-HTZ", "360400", "360400-LSXH",
        "360000-GJNA", "360000-GJNA-TCM", "360000",
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["井冈山", "井冈山市", "井冈山 市"])
def test_jinggangshan_by_either_spelling(directory: RegionDirectory, name: str) -> None:
    assert codes(directory, "360000", "吉安市", name) == ["360800", "360881"]


def test_jincheng_city_government_and_spaced_names(directory: RegionDirectory) -> None:
    assert codes(directory, "140500", "晋城市", "市本级", "城 区", "泽州县", "高平市") == [
        "140500",
        "140500-CITYGOV",
        "140502",
        "140525",
        "140581",
    ]
    assert codes(directory, "140500", "市本级 (开发区)") == ["140500-CITYGOV"]
    assert codes(directory, "140500", "市本级（开发区）") == ["140500-CITYGOV"]


def test_county_under_the_wrong_city_is_an_error(directory: RegionDirectory) -> None:
    with pytest.raises(SeedImportError) as caught:
        codes(directory, "360000", "九江市", "南昌县")
    assert (
        str(caught.value)
        == "附件2 line 11 column 市、县名称: unknown region '南昌县' under 九江市;"
        " did you mean 都昌县 or 南昌市?"
    )


def test_county_before_any_city_is_an_error(directory: RegionDirectory) -> None:
    with pytest.raises(SeedImportError, match=r"unknown region '中心城区'$"):
        codes(directory, "360000", "合计", "中心城区")


def test_unknown_name_is_an_error(directory: RegionDirectory) -> None:
    with pytest.raises(SeedImportError, match=r"附件2 line 11 .* unknown region '某某县'"):
        codes(directory, "140500", "晋城市", "某某县")


def test_a_region_twice_in_one_table_is_an_error(directory: RegionDirectory) -> None:
    with pytest.raises(SeedImportError, match=r"line 12 .*already given on line 11"):
        codes(directory, "360000", "吉安市", "井冈山", "井冈山市")
