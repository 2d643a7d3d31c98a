"""CSV lines that PostgreSQL writes whole: text with line breaks or the line quote."""

import httpx
import pytest

from service.exports.streams import _Unquote
from service.kit.db import Database

Q = b"\x1e"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
def test_a_quoted_line_is_unquoted_across_any_chunk_boundary(size: int) -> None:
    copied = b"a,b\n" + Q + b"c,x" + Q + Q + b"y\nz" + Q + b"\nd\n" + Q + b"e" + Q + Q + Q + b"\n"
    unquote = _Unquote()
    out = b"".join(unquote(copied[i : i + size]) for i in range(0, len(copied), size))
    assert out == b"a,b\nc,x" + Q + b"y\nz\nd\ne" + Q + b"\n"


async def test_line_breaks_and_quotes_in_text_are_kept_as_csv_quotes_them(
    wdb: Database, wclient: httpx.AsyncClient
) -> None:
    async with wdb.connection() as conn:
        await conn.execute("select set_config('anju.reason', 'test', false)")
        first = await conn.fetchval(
            "select min(id) from figures where region_code = '360121' and year = 2024"
        )
        await conn.execute(
            "update figures set source_principal = $1 where id = $2", 'x\n"y"\x1ez', first
        )
        await conn.execute("update regions set name = '南昌\r\n县' where code = '360121'")
    url = "/api/v1/exports/figures.csv?region=360121&year=2024"
    text = (await wclient.get(url)).content.decode("utf-8-sig")
    # as COPY quotes a field holding CR or LF, each LF then made CRLF like every line end
    rows = text.count('\r\n360121,"南昌\r\r\n县",2024,')
    assert rows == text.count("\r\n360121,") == 5  # the county's 2024 figures, each quoted
    assert ',"x\r\n""y""\x1ez",' in text
