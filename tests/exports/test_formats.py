"""Numbers survive a trip through a workbook exactly; cells read as people type them."""

import io
import random
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from service.exports import formats, reading
from service.exports.schemas import Cell, FileFormat

TRICKY = [
    "0.1",
    "0.3",
    "0.0001",
    "1500",
    "123.4567",
    "1234567.89",
    "9.99999999999999",
    "99999999999.9999",  # 15 digits: still a numeric cell
    "1234567890123.4567",  # 17 digits: written as text
    "0.30000000000000004",
]


async def _rows(values: list[Decimal]) -> AsyncIterator[list[Cell]]:
    for v in values:
        yield [v]


async def _round_trip(values: list[Decimal]) -> list[Decimal | None]:
    file, _ = await formats.xlsx_file("t", ["value"], _rows(values))
    with file:
        content = file.read()
    read = list(reading.rows(io.BytesIO(content), FileFormat.XLSX))[1:]
    return [formats.as_decimal(cells[0]) for _, cells in read]


async def test_decimals_round_trip_through_xlsx_exactly() -> None:
    rng = random.Random(7)
    values = [Decimal(v) for v in TRICKY]
    # values as the units allow them: up to 4 places, up to 15 significant digits
    for _ in range(2000):
        places = rng.choice([0, 2, 4])
        digits = rng.randint(1, 15)
        values.append(Decimal(rng.randrange(10**digits)).scaleb(-places))
    assert await _round_trip(values) == values


async def test_long_decimals_are_text_cells() -> None:
    file, _ = await formats.xlsx_file("t", ["v"], _rows([Decimal("1234567890123.4567")]))
    with file:
        content = file.read()
    (_, cells) = list(reading.rows(io.BytesIO(content), FileFormat.XLSX))[1]
    assert cells == ["1234567890123.4567"]


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (1500, Decimal(1500)),
        (1500.0, Decimal(1500)),
        (12.34, Decimal("12.34")),
        (" 7.50 ", Decimal("7.50")),
        ("1,500", None),
        ("abc", None),
        ("NaN", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_cells_as_numbers(cell: formats.RawCell, number: Decimal | None) -> None:
    assert formats.as_decimal(cell) == number


async def test_csv_is_written_as_plain_decimals() -> None:
    chunks = [c async for c in formats.csv_chunks(["v"], _rows([Decimal("1E+3"), Decimal("0.50")]))]
    assert b"".join(chunks).decode("utf-8-sig") == "v\r\n1000\r\n0.50\r\n"


def test_a_zip_is_xlsx_whatever_its_name() -> None:
    buffer = io.BytesIO(b"PK\x03\x04rest")
    assert formats.detect(buffer.getvalue(), "figures.csv", "text/csv") is FileFormat.XLSX
    assert formats.detect(b"a,b\r\n", None, None) is FileFormat.CSV
