"""The generic table reader, on small synthetic documents (no database, no seeds)."""

from decimal import Decimal

import pytest

from service.ingest.errors import SeedImportError
from service.ingest.tables import Column, Number, parse_number, split_document

DOC = """江西省某厅文件

某字〔2024〕1号

附件 1

2024 年某某 目标任务分解表

单位：套、间

市、县名称\t改造\t\t
\t合计\t新开工\t竣工
合计\t30\t20\t10
南昌市\t30\t\t10 (5)
中心城区\t30\t0\t95.1%

市、县名称\t改造\t\t
\t合计\t新开工\t竣工
城 区\t1\t2\t3
备注：（）中数字为增补任务数。\t\t\t

附件 2

标题二

县区名称\t数
晋城市\t1.50
抄 送：某某
2025年2月25日印发
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", Number(Decimal("1234"), 0)),
        ("4032.78", Number(Decimal("4032.78"), 2)),
        ("95.1%", Number(Decimal("95.1"), 1, is_percent=True)),
        ("100.00%", Number(Decimal("100.00"), 2, is_percent=True)),
        ("602.72 (275.02)", Number(Decimal("602.72"), 2, supplement=Decimal("275.02"))),
        ("186.17 (0)", Number(Decimal("186.17"), 2, supplement=Decimal("0"))),
        ("7（3）", Number(Decimal("7"), 0, supplement=Decimal("3"))),
        ("0", Number(Decimal("0"), 0)),
        (" 772.00 ", Number(Decimal("772.00"), 2)),
    ],
)
def test_parse_number(text: str, expected: Number) -> None:
    assert parse_number(text) == expected


def test_blank_cell_is_no_figure_not_zero() -> None:
    assert parse_number("") is None
    assert parse_number("  ") is None


@pytest.mark.parametrize("text", ["12x", "1,234", "-", "—", "%", "1.2.3", "(5)"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_split_into_annexes_with_titles_units_and_data_rows() -> None:
    source = split_document(DOC)
    assert [a.number for a in source.annexes] == [1, 2]
    first, second = source.annexes
    assert first.title == "2024年某某目标任务分解表"
    assert first.unit == "套、间"
    assert first.name_label == "市、县名称"
    # Two-row header and the header repeated after the page break are skipped.
    assert [(r.line, r.name) for r in first.rows] == [
        (13, "合计"),
        (14, "南昌市"),
        (15, "中心城区"),
        (19, "城 区"),
    ]
    assert first.rows[1].cells == ("南昌市", "30", "", "10 (5)")
    assert second.name_label == "县区名称"
    assert [r.name for r in second.rows] == ["晋城市"]
    assert source.prose[0] == (1, "江西省某厅文件")


def test_row_numbers_by_column_kind() -> None:
    row = split_document(DOC).annexes[0].rows[1]
    columns = [Column("合计"), Column("新开工"), Column("竣工", supplement=True)]
    assert row.numbers(columns) == [
        Number(Decimal("30"), 0),
        None,
        Number(Decimal("10"), 0, supplement=Decimal("5")),
    ]


def test_malformed_cell_names_annex_line_and_column() -> None:
    source = split_document(DOC.replace("城 区\t1\t2\t3", "城 区\t1\t2\t12x"))
    row = source.annexes[0].rows[-1]
    with pytest.raises(SeedImportError) as caught:
        row.numbers([Column("合计"), Column("新开工"), Column("竣工")])
    assert str(caught.value) == "附件1 line 19 column 竣工: cannot read '12x'"
    assert (caught.value.annex, caught.value.line, caught.value.column) == (1, 19, "竣工")


def test_percent_where_a_count_belongs_is_an_error() -> None:
    row = split_document(DOC).annexes[0].rows[2]
    with pytest.raises(SeedImportError, match=r"附件1 line 15 column 竣工: expected a number"):
        row.numbers([Column("合计"), Column("新开工"), Column("竣工")])


def test_bracket_only_where_allowed() -> None:
    row = split_document(DOC).annexes[0].rows[1]
    with pytest.raises(SeedImportError, match="unexpected bracketed figure"):
        row.numbers([Column("合计"), Column("新开工"), Column("竣工")])


def test_wrong_number_of_cells() -> None:
    row = split_document(DOC).annexes[0].rows[0]
    with pytest.raises(SeedImportError) as caught:
        row.numbers([Column("合计"), Column("新开工")])
    assert str(caught.value) == "附件1 line 13: expected 3 cells, found 4"


def test_figures_without_a_region_name_are_an_error() -> None:
    with pytest.raises(SeedImportError, match=r"附件1 line 15 column 市、县名称: row has figures"):
        split_document(DOC.replace("中心城区\t30", "\t30"))


def test_table_rows_after_the_end_of_the_table_are_an_error() -> None:
    with pytest.raises(SeedImportError, match=r"附件2 line 30: table row after the end"):
        split_document(DOC + "阳城县\t5\n")


def test_repeated_annex_number_is_an_error() -> None:
    with pytest.raises(SeedImportError, match="annex numbers repeat"):
        split_document(DOC + "\n附件 2\n\n县区名称\t数\n晋城市\t1\n")
